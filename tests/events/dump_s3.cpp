// The S3 notification view over every S3 sample: each record's fields, the
// bucket and object (the key raw and percent-decoded), and the data of
// restore, replication, lifecycle and Intelligent-Tiering events.
#include "dump.h"

#include <wisp/events/s3.h>

namespace {

using wisp::events::S3Object;
using wisp::events::S3Record;
using wisp::events::S3RestoreEventData;

void restore(const dump::Path& path, S3RestoreEventData data)
{
    dump::string(path.key("lifecycleRestorationExpiryTime"), data.lifecycle_restoration_expiry_time());
    dump::string(path.key("lifecycleRestoreStorageClass"), data.lifecycle_restore_storage_class());
}

void object(const dump::Path& path, S3Object o)
{
    dump::string(path.key("key"), o.key());
    dump::string(path.key("key").key("#unquote_plus"), o.decoded_key());
    dump::string(path.key("urlDecodedKey"), o.url_decoded_key());
    dump::number(path.key("size"), o.size());
    dump::string(path.key("eTag"), o.etag());
    dump::string(path.key("versionId"), o.version_id());
    dump::string(path.key("sequencer"), o.sequencer());
}

void record(const dump::Path& path, S3Record r)
{
    dump::string(path.key("eventVersion"), r.event_version());
    dump::string(path.key("eventSource"), r.event_source());
    dump::string(path.key("awsRegion"), r.aws_region());
    dump::string(path.key("eventTime"), r.event_time());
    dump::string(path.key("eventName"), r.event_name());
    dump::string(path.key("userIdentity").key("principalId"), r.principal_id());
    dump::string(path.key("requestParameters").key("sourceIPAddress"), r.source_ip_address());
    dump::string(path.key("responseElements").key("x-amz-request-id"), r.request_id());
    dump::string(path.key("responseElements").key("x-amz-id-2"), r.host_id());
    dump::string_map(path.key("responseElements"), r.response_elements());

    dump::Path s3 = path.key("s3");
    dump::string(s3.key("s3SchemaVersion"), r.s3().schema_version());
    dump::string(s3.key("configurationId"), r.s3().configuration_id());
    dump::string(s3.key("bucket").key("name"), r.s3().bucket().name());
    dump::string(s3.key("bucket").key("ownerIdentity").key("principalId"), r.s3().bucket().owner_principal_id());
    dump::string(s3.key("bucket").key("arn"), r.s3().bucket().arn());
    object(s3.key("object"), r.s3().object());

    restore(path.key("glacierEventData").key("restoreEventData"), r.glacier_restore());
    restore(path.key("restoreEventData"), r.restore_event_data());
    dump::Path replication = path.key("replicationEventData");
    dump::string(replication.key("replicationRuleId"), r.replication().replication_rule_id());
    dump::string(replication.key("destinationBucket"), r.replication().destination_bucket());
    dump::string(replication.key("s3Operation"), r.replication().s3_operation());
    dump::string(replication.key("requestTime"), r.replication().request_time());
    dump::string(replication.key("failureReason"), r.replication().failure_reason());
    dump::string(
        path.key("intelligentTieringEventData").key("destinationAccessTier"), r.intelligent_tiering_access_tier());
    dump::string(path.key("lifecycleEventData").key("transitionEventData").key("destinationStorageClass"),
        r.lifecycle_transition_storage_class());
}

bool dump_s3(wisp::json::Value root, wisp::Arena& arena)
{
    wisp::events::S3 s3(root, arena);
    if (!s3.matches())
        return false;
    dump::Path records = dump::root().key("Records");
    size_t i = 0;
    for (S3Record r : s3.records())
        record(records.index(i++), r);
    dump::length(records, i);
    return i > 0;
}

const char* const types[] = {"s3-notification", "s3-notification (glacier restore)", nullptr};
dump::Register registered("s3", types, dump_s3);

} // namespace
