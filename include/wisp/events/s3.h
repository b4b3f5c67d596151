// Amazon S3 event notifications sent straight to a function (event versions
// 2.1 to 2.3 and later: object created, removed, restored, replicated,
// transitioned, ...):
//
//   json::Document doc = json::Document::parse(invocation.body, arena);
//   events::S3 s3(doc.root(), arena);
//   if (!doc.ok() || !s3.matches())
//       return failure("Function.InvalidEvent", "not an S3 notification");
//   for (events::S3Record record : s3.records()) {
//       events::S3Object object = record.s3().object();
//       use(record.s3().bucket().name(), object.decoded_key(), object.size());
//   }
//
// Object keys arrive URL-encoded, with '+' for a space: decoded_key() gives
// the key as stored (allocating only when there is something to decode).
#pragma once

#include <wisp/events/view.h>

namespace wisp::events {

class S3Bucket : public View {
public:
    using View::View;
    S3Bucket(View view) : View(view) { }

    Str name() const { return string("name"); }
    Str owner_principal_id() const { return child("ownerIdentity").string("principalId"); }
    Str arn() const { return string("arn"); }
};

class S3Object : public View {
public:
    using View::View;
    S3Object(View view) : View(view) { }

    // The key as S3 sends it: percent-encoded, '+' for a space.
    Str key() const { return string("key"); }
    // The key as stored: %XX decoded and '+' read as a space, into the arena
    // when there is anything to decode. Str{} when the key is absent (or the
    // arena is exhausted).
    Str decoded_key() const { return percent_decode(key(), *m_arena, Plus::space); }
    // Bytes; absent for deletions.
    Number size() const { return number("size"); }
    Str etag() const { return string("eTag"); }
    // Versioned buckets only; may be absent, null or empty otherwise.
    Str version_id() const { return string("versionId"); }
    // Hexadecimal text that orders the events of one key (PUTs and DELETEs).
    Str sequencer() const { return string("sequencer"); }
    // Not sent by S3: some SDKs' test events carry the decoded key here.
    Str url_decoded_key() const { return string("urlDecodedKey"); }
};

// The "s3" object of a record.
class S3Entity : public View {
public:
    using View::View;
    S3Entity(View view) : View(view) { }

    Str schema_version() const { return string("s3SchemaVersion"); }
    // The ID of the bucket's notification configuration that matched.
    Str configuration_id() const { return string("configurationId"); }
    S3Bucket bucket() const { return child("bucket"); }
    S3Object object() const { return child("object"); }
};

// restoreEventData of s3:ObjectRestore:Completed.
class S3RestoreEventData : public View {
public:
    using View::View;
    S3RestoreEventData(View view) : View(view) { }

    Str lifecycle_restoration_expiry_time() const { return string("lifecycleRestorationExpiryTime"); }
    Str lifecycle_restore_storage_class() const { return string("lifecycleRestoreStorageClass"); }
};

// replicationEventData of s3:Replication:* events (event version 2.2).
class S3ReplicationEventData : public View {
public:
    using View::View;
    S3ReplicationEventData(View view) : View(view) { }

    Str replication_rule_id() const { return string("replicationRuleId"); }
    Str destination_bucket() const { return string("destinationBucket"); } // an ARN
    Str s3_operation() const { return string("s3Operation"); }
    Str request_time() const { return string("requestTime"); }
    Str failure_reason() const { return string("failureReason"); }
};

class S3Record : public View {
public:
    using View::View;

    Str event_version() const { return string("eventVersion"); }
    Str event_source() const { return string("eventSource"); } // "aws:s3"
    Str aws_region() const { return string("awsRegion"); }
    Str event_time() const { return string("eventTime"); } // ISO 8601
    Str event_name() const { return string("eventName"); } // "ObjectCreated:Put", "s3:ObjectRestore:Completed", ...
    // userIdentity.principalId: who caused the event.
    Str principal_id() const { return child("userIdentity").string("principalId"); }
    // requestParameters.sourceIPAddress.
    Str source_ip_address() const { return child("requestParameters").string("sourceIPAddress"); }
    // responseElements: x-amz-request-id and x-amz-id-2, for AWS support.
    StringMap response_elements() const { return child("responseElements"); }
    Str request_id() const { return child("responseElements").string("x-amz-request-id"); }
    Str host_id() const { return child("responseElements").string("x-amz-id-2"); }
    S3Entity s3() const { return child("s3"); }

    // Present on the event types that carry them, absent (exists() false) otherwise.
    // glacierEventData.restoreEventData, as the S3 documentation shows it,
    S3RestoreEventData glacier_restore() const { return child("glacierEventData").child("restoreEventData"); }
    // and restoreEventData directly in the record, as some restore events have it.
    S3RestoreEventData restore_event_data() const { return child("restoreEventData"); }
    S3ReplicationEventData replication() const { return child("replicationEventData"); }
    // intelligentTieringEventData.destinationAccessTier ("ARCHIVE_ACCESS", ...).
    Str intelligent_tiering_access_tier() const
    {
        return child("intelligentTieringEventData").string("destinationAccessTier");
    }
    // lifecycleEventData.transitionEventData.destinationStorageClass.
    Str lifecycle_transition_storage_class() const
    {
        return child("lifecycleEventData").child("transitionEventData").string("destinationStorageClass");
    }
};

// The event: {"Records":[record...]}.
class S3 : public View {
public:
    using View::View;

    List<S3Record> records() const { return List<S3Record>(child("Records")); }

    // The shape check: Records is an array (possibly empty) and every record
    // in it says "eventSource":"aws:s3".
    bool matches() const
    {
        if (m_value["Records"].type() != json::Type::array)
            return false;
        for (S3Record record : records()) {
            if (record.event_source() != Str("aws:s3"))
                return false;
        }
        return true;
    }
};

} // namespace wisp::events
