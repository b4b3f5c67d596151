// Partial batch responses for SQS, Kinesis and DynamoDB Streams event source
// mappings (with ReportBatchItemFailures turned on): the records named here
// are retried, every other one counts as processed.
//
//   events::BatchResponse batch(out);
//   for (events::SqsMessage message : sqs.records())
//       if (!process(message))
//           batch.fail(message.message_id());
//   return batch.finish();
//
// An empty list means the whole batch succeeded. For Kinesis and DynamoDB
// the identifier is the record's sequence number; Lambda retries from the
// lowest one named.
#pragma once

#include <wisp/builder.h>
#include <wisp/handler.h>

namespace wisp::events {

class BatchResponse {
public:
    // Starts {"batchItemFailures":[ in out, which must be empty.
    explicit BatchResponse(Builder& out);

    void fail(Str item_identifier);
    size_t failures() const { return m_failures; }

    // Closes the document: success with it, or a Runtime failure when the
    // response buffer overflowed (the batch is then retried whole).
    Outcome finish();

private:
    Builder& m_out;
    size_t m_failures = 0;
};

} // namespace wisp::events
