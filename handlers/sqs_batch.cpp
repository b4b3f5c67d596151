// An SQS consumer that reports partial batch failures (the event source
// mapping needs FunctionResponseTypes ["ReportBatchItemFailures"]).
//
// The rule: a message is processed when its body is a JSON object whose "ok"
// member is true, such as {"ok":true,"order":42}. Any other body (not JSON,
// not an object, "ok" absent, false or not a boolean) fails that message
// alone: it is named in the answer, so SQS delivers it again (and moves it to
// the dead-letter queue after maxReceiveCount), while the others are deleted.
//
//   {"Records":[...]} -> {"batchItemFailures":[{"itemIdentifier":"<messageId>"},...]}
//
// An empty batch answers {"batchItemFailures":[]}. An event that is not JSON,
// not an SQS event (events::Sqs::matches), or a failed message without a
// messageId is a Function.InvalidEvent error: Lambda then retries the batch.
#include <wisp/events/batch.h>
#include <wisp/events/sqs.h>
#include <wisp/wisp.h>

namespace {

// Each body's tokens go back to the arena once it is judged.
bool process(wisp::events::SqsMessage message, wisp::Arena& arena)
{
    size_t mark = arena.mark();
    wisp::json::Document body = message.body_json();
    bool ok = false;
    bool processed = body.ok() && body.root()["ok"].get_bool(&ok) && ok;
    arena.release(mark);
    return processed;
}

} // namespace

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    if (!event.ok())
        return failure("Function.InvalidEvent", json::describe(event.error()));
    events::Sqs sqs(event.root(), arena);
    if (!sqs.matches())
        return failure("Function.InvalidEvent", "not an SQS event: expected Records with \"eventSource\":\"aws:sqs\"");

    events::BatchResponse batch(out);
    for (events::SqsMessage message : sqs.records()) {
        if (process(message, arena))
            continue;
        Str id = message.message_id();
        if (id.empty())
            return failure("Function.InvalidEvent", "a message that failed has no messageId");
        batch.fail(id);
    }
    return batch.finish();
}
