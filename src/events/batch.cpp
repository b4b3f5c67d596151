#include <wisp/events/batch.h>

namespace wisp::events {

BatchResponse::BatchResponse(Builder& out) : m_out(out) { m_out.append(Str("{\"batchItemFailures\":[")); }

void BatchResponse::fail(Str item_identifier)
{
    Str item = ",{\"itemIdentifier\":";
    m_out.append(m_failures++ ? item : item.sub(1)).append_json_string(item_identifier).append('}');
}

Outcome BatchResponse::finish()
{
    m_out.append(Str("]}"));
    if (m_out.overflowed())
        return failure("Function.ResponseTooLarge", "the batch item failures do not fit in the response buffer");
    return success(m_out.view());
}

} // namespace wisp::events
