// A summary of the objects an S3 notification names, one entry per record:
//
//   {"objects":[{"bucket":"<bucket name>","key":"<object key, decoded>","size":<bytes>,"event":"<eventName>"},...]}
//
// The key is percent-decoded with '+' read as a space ("my+photo%21.jpg" is
// the object "my photo!.jpg"). size is the object's size as S3 wrote it
// (digits beyond 2^53 kept), or null when the record has none (deletions);
// event is null when the record has no eventName.
// An event that is not JSON, not an S3 notification (events::S3::matches), or
// a record without a bucket name or object key is a Function.InvalidEvent
// error. No records answer {"objects":[]}.
#include <wisp/events/s3.h>
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    if (!event.ok())
        return failure("Function.InvalidEvent", json::describe(event.error()));
    events::S3 s3(event.root(), arena);
    if (!s3.matches())
        return failure(
            "Function.InvalidEvent", "not an S3 notification: expected Records with \"eventSource\":\"aws:s3\"");

    out.append(Str("{\"objects\":["));
    char separator = 0;
    for (events::S3Record record : s3.records()) {
        events::S3Entity entity = record.s3();
        Str bucket = entity.bucket().name();
        events::S3Object object = entity.object();
        if (!bucket.ptr || !object.key().ptr)
            return failure("Function.InvalidEvent", "an S3 record has no bucket name or object key");
        if (separator)
            out.append(separator);
        separator = ',';
        // An exhausted arena leaves the key empty; the runtime then answers
        // Runtime.ArenaExhausted instead of this summary.
        out.append(Str("{\"bucket\":")).append_json_string(bucket);
        out.append(Str(",\"key\":")).append_json_string(object.decoded_key());
        events::Number size = object.size();
        out.append(Str(",\"size\":")).append(size.integer() ? size.text : Str("null"));
        Str name = record.event_name();
        out.append(Str(",\"event\":"));
        (name.ptr ? out.append_json_string(name) : out.append(Str("null"))).append('}');
    }
    out.append(Str("]}"));
    if (out.overflowed())
        return failure("Function.ResponseTooLarge", "the summary does not fit in the response buffer");
    return success(out.view());
}
