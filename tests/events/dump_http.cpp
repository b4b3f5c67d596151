// The HTTP view over the REST (v1), HTTP API (2.0), ALB and function URL
// samples: every field through HttpRequest's accessors, the ones that depend
// on the source (method, path, query, headers, source IP...) at the path that
// source keeps them under, so that detection is checked along.
#include <wisp/events/http.h>

#include "dump.h"

namespace {

using dump::Path;
using wisp::Arena;
using wisp::Str;
using namespace wisp::events;
namespace json = wisp::json;

bool is_empty(json::Value value)
{
    json::Type type = value.type();
    return type == json::Type::null || ((type == json::Type::object || type == json::Type::array) && !value.size());
}

// A member that is null, {} or []: compared whole, as it has no leaf of its own.
void if_empty(const Path& path, const View& view)
{
    if (is_empty(view.json()))
        dump::json(path, view.json());
}

void map(const Path& path, const StringMap& map)
{
    if_empty(path, map);
    dump::string_map(path, map);
}

void list(const Path& path, const StringList& values)
{
    if_empty(path, values);
    size_t i = 0;
    for (Str value : values)
        dump::string(path.index(i++), value);
    dump::length(path, values.size());
}

void multi_map(const Path& path, const MultiValueMap& map)
{
    if_empty(path, map);
    size_t n = 0;
    for (MultiValueMap::Entry entry : map) {
        list(path.key(entry.key), entry.values);
        ++n;
    }
    dump::length(path, n);
}

// A free-form object (a Lambda authorizer's context): each member through
// the typed accessor its JSON type calls for; objects (a Cognito claims
// map, say) likewise, member by member.
void free_form(const Path& path, const View& view)
{
    if_empty(path, view);
    for (json::Member member : view.json().members()) {
        Str key = view.string_of(member.key);
        switch (member.value.type()) {
        case json::Type::string: dump::string(path.key(key), view.string(key)); break;
        case json::Type::number: dump::number(path.key(key), view.number(key)); break;
        case json::Type::boolean: dump::boolean(path.key(key), true, view.boolean(key)); break;
        case json::Type::object: free_form(path.key(key), view.child(key)); break;
        case json::Type::array: list(path.key(key), StringList(view.child(key))); break;
        default: dump::json(path.key(key), member.value); break;
        }
    }
}

// Members the view has no accessor for (a sample's own "otherField", say):
// read through json(), compared whole.
void others(const Path& path, const View& view, const char* const* known)
{
    for (json::Member member : view.json().members()) {
        Str key = view.string_of(member.key);
        const char* const* k = known;
        while (*k && Str::from_cstr(*k) != key)
            ++k;
        if (!*k)
            dump::json(path.key(key), member.value);
    }
}

void client_cert(const Path& path, const ClientCert& cert)
{
    if_empty(path, cert);
    dump::string(path.key("clientCertPem"), cert.pem());
    dump::string(path.key("subjectDN"), cert.subject_dn());
    dump::string(path.key("issuerDN"), cert.issuer_dn());
    dump::string(path.key("serialNumber"), cert.serial_number());
    dump::string(path.key("validity").key("notBefore"), cert.not_before());
    dump::string(path.key("validity").key("notAfter"), cert.not_after());
}

void identity(const Path& path, const HttpIdentity& id)
{
    if_empty(path, id);
    dump::string(path.key("accessKey"), id.access_key());
    dump::string(path.key("accountId"), id.account_id());
    dump::string(path.key("apiKey"), id.api_key());
    dump::string(path.key("apiKeyId"), id.api_key_id());
    dump::string(path.key("caller"), id.caller());
    dump::string(path.key("cognitoAuthenticationProvider"), id.cognito_authentication_provider());
    dump::string(path.key("cognitoAuthenticationType"), id.cognito_authentication_type());
    dump::string(path.key("cognitoIdentityId"), id.cognito_identity_id());
    dump::string(path.key("cognitoIdentityPoolId"), id.cognito_identity_pool_id());
    dump::string(path.key("principalOrgId"), id.principal_org_id());
    dump::string(path.key("sourceIp"), id.source_ip());
    dump::string(path.key("user"), id.user());
    dump::string(path.key("userAgent"), id.user_agent());
    dump::string(path.key("userArn"), id.user_arn());
    client_cert(path.key("clientCert"), id.client_cert());
    static const char* const known[] = {"accessKey", "accountId", "apiKey", "apiKeyId", "caller",
        "cognitoAuthenticationProvider", "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId",
        "principalOrgId", "sourceIp", "user", "userAgent", "userArn", "clientCert", nullptr};
    others(path, id, known);
}

void authorizer(const Path& path, const HttpAuthorizer& auth, bool version_2)
{
    if_empty(path, auth);
    if (!version_2) {
        // REST: principalId, a Cognito user pool's claims and scopes, or a
        // Lambda authorizer's context (free-form).
        dump::string(path.key("principalId"), auth.principal_id());
        map(path.key("claims"), auth.claims());
        list(path.key("scopes"), auth.scopes());
        static const char* const known[] = {"principalId", "claims", "scopes", nullptr};
        // The other members: the context, each by its type.
        for (json::Member member : auth.json().members()) {
            Str key = auth.string_of(member.key);
            const char* const* k = known;
            while (*k && Str::from_cstr(*k) != key)
                ++k;
            if (*k)
                continue;
            switch (member.value.type()) {
            case json::Type::string: dump::string(path.key(key), auth.string(key)); break;
            case json::Type::number: dump::number(path.key(key), auth.number(key)); break;
            case json::Type::boolean: dump::boolean(path.key(key), true, auth.boolean(key)); break;
            default: free_form(path.key(key), auth.child(key)); break;
            }
        }
        return;
    }
    Path jwt = path.key("jwt");
    if_empty(jwt, auth.child("jwt"));
    map(jwt.key("claims"), auth.jwt_claims());
    list(jwt.key("scopes"), auth.jwt_scopes());
    IamAuthorizer iam = auth.iam();
    Path i = path.key("iam");
    if_empty(i, iam);
    dump::string(i.key("accessKey"), iam.access_key());
    dump::string(i.key("accountId"), iam.account_id());
    dump::string(i.key("callerId"), iam.caller_id());
    dump::string(i.key("principalOrgId"), iam.principal_org_id());
    dump::string(i.key("userArn"), iam.user_arn());
    dump::string(i.key("userId"), iam.user_id());
    Path cognito = i.key("cognitoIdentity");
    dump::string(cognito.key("identityId"), iam.cognito_identity_id());
    dump::string(cognito.key("identityPoolId"), iam.cognito_identity_pool_id());
    list(cognito.key("amr"), iam.cognito_amr());
    free_form(path.key("lambda"), auth.lambda());
}

void context(const Path& path, const HttpRequest& request)
{
    HttpRequestContext c = request.context();
    if (request.source() == HttpSource::alb) {
        dump::string(path.key("elb").key("targetGroupArn"), c.target_group_arn());
        static const char* const known[] = {"elb", nullptr};
        others(path, c, known);
        return;
    }
    dump::string(path.key("accountId"), c.account_id());
    dump::string(path.key("apiId"), c.api_id());
    dump::string(path.key("domainName"), c.domain_name());
    dump::string(path.key("domainPrefix"), c.domain_prefix());
    dump::string(path.key("requestId"), c.request_id());
    dump::string(path.key("stage"), c.stage());
    authorizer(path.key("authorizer"), c.authorizer(), request.version_2());
    if (request.version_2()) {
        HttpDetails http = c.http();
        dump::string(path.key("http").key("method"), http.method());
        dump::string(path.key("http").key("path"), http.path());
        dump::string(path.key("http").key("protocol"), http.protocol());
        dump::string(path.key("http").key("sourceIp"), http.source_ip());
        dump::string(path.key("http").key("userAgent"), http.user_agent());
        dump::string(path.key("routeKey"), c.route_key());
        dump::string(path.key("time"), c.time());
        dump::number(path.key("timeEpoch"), c.time_epoch());
        client_cert(path.key("authentication").key("clientCert"), c.client_cert());
        static const char* const known[] = {"accountId", "apiId", "domainName", "domainPrefix", "requestId", "stage",
            "authorizer", "http", "routeKey", "time", "timeEpoch", "authentication", nullptr};
        others(path, c, known);
        return;
    }
    dump::string(path.key("extendedRequestId"), c.extended_request_id());
    dump::string(path.key("httpMethod"), c.http_method());
    dump::string(path.key("operationName"), c.operation_name());
    dump::string(path.key("path"), c.path());
    dump::string(path.key("protocol"), c.protocol());
    dump::string(path.key("requestTime"), c.request_time());
    dump::number(path.key("requestTimeEpoch"), c.request_time_epoch());
    dump::string(path.key("resourceId"), c.resource_id());
    dump::string(path.key("resourcePath"), c.resource_path());
    identity(path.key("identity"), c.identity());
    static const char* const known[] = {"accountId", "apiId", "domainName", "domainPrefix", "requestId", "stage",
        "authorizer", "extendedRequestId", "httpMethod", "operationName", "path", "protocol", "requestTime",
        "requestTimeEpoch", "resourceId", "resourcePath", "identity", nullptr};
    others(path, c, known);
}

// s with the case of every ASCII letter swapped, in the arena.
Str swap_case(Str s, Arena& arena)
{
    char* bytes = static_cast<char*>(arena.alloc(s.len, 1));
    for (size_t i = 0; i < s.len; ++i) {
        char c = s.ptr[i];
        bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        bytes[i] = letter ? static_cast<char>(c ^ 0x20) : c;
    }
    return {bytes, s.len};
}

// Every header looked up again through header() and header_values() by its
// name with the case of each letter swapped: a multiValueHeaders list when
// the event has one for it, else the headers value.
void headers_ignoring_case(const HttpRequest& request, Arena& arena)
{
    const MultiValueMap multi = request.multi_value_headers();
    auto check = [&](Str key) {
        Str name = swap_case(key, arena);
        bool in_multi = multi.get_ignore_case(name).exists();
        Path path = dump::root().key(in_multi ? Str("multiValueHeaders") : Str("headers")).key("#ci").key(name);
        StringList values = request.header_values(name);
        if (in_multi) {
            dump::string(path.index(0), request.header(name));
            for (size_t i = 0; i < values.size(); ++i)
                dump::string(path.index(i), values[i]);
        } else {
            dump::string(path, request.header(name));
            dump::string(path, values[0]);
        }
    };
    for (StringMap::Entry entry : request.headers())
        check(entry.key);
    for (MultiValueMap::Entry entry : multi)
        check(entry.key);
}

// query(name) for every parameter: the first of the multi-value list where
// there is one, decoded for ALB.
void queries(const HttpRequest& request)
{
    const MultiValueMap multi = request.multi_value_query_parameters();
    auto check = [&](Str name) {
        bool in_multi = multi.get(name).exists();
        Path base = dump::root()
                        .key(in_multi ? Str("multiValueQueryStringParameters") : Str("queryStringParameters"))
                        .key(name);
        Path path = in_multi ? base.index(0) : base;
        if (request.source() == HttpSource::alb)
            dump::bytes(path.key("#unquote_plus"), request.query(name));
        else
            dump::string(path, request.query(name));
    };
    for (StringMap::Entry entry : request.query_parameters())
        check(entry.key);
    for (MultiValueMap::Entry entry : multi)
        check(entry.key);
}

bool dump_http(json::Value root, Arena& arena)
{
    HttpRequest request(root, arena);
    if (request.source() == HttpSource::none)
        return false;
    Path top = dump::root();
    bool v2 = request.version_2();
    Path rc = top.key("requestContext");

    dump::string(v2 ? rc.key("http").key("method") : top.key("httpMethod"), request.method());
    dump::string(top.key(v2 ? Str("rawPath") : Str("path")), request.path());
    dump::string(top.key("rawQueryString"), request.query_string());
    dump::string(top.key("version"), request.version());
    dump::string(top.key("resource"), request.resource());
    dump::string(top.key("routeKey"), request.route_key());

    dump::string(top.key("body"), request.body());
    json::Value flag = root["isBase64Encoded"];
    dump::boolean(top.key("isBase64Encoded"), flag.type() == json::Type::boolean, request.is_base64_encoded());
    if (request.is_base64_encoded() && request.body().ptr)
        dump::bytes(top.key("body").key("#base64"), request.decoded_body());

    map(top.key("headers"), request.headers());
    multi_map(top.key("multiValueHeaders"), request.multi_value_headers());
    headers_ignoring_case(request, arena);
    map(top.key("queryStringParameters"), request.query_parameters());
    multi_map(top.key("multiValueQueryStringParameters"), request.multi_value_query_parameters());
    queries(request);
    list(top.key("cookies"), request.cookie_list());
    map(top.key("pathParameters"), request.path_parameters());
    map(top.key("stageVariables"), request.stage_variables());

    // The fields several sources have, each where its source keeps it.
    dump::string(rc.key("requestId"), request.request_id());
    dump::string(rc.key("stage"), request.stage());
    dump::string(rc.key("domainName"), request.domain_name());
    dump::string(rc.key("accountId"), request.account_id());
    dump::string(rc.key("apiId"), request.api_id());
    dump::string(v2 ? rc.key("http").key("sourceIp") : rc.key("identity").key("sourceIp"), request.source_ip());
    dump::number(v2 ? rc.key("timeEpoch") : rc.key("requestTimeEpoch"), request.time_epoch());
    if (request.source() == HttpSource::alb) {
        bool multi = request.multi_value_headers().get_ignore_case("user-agent").exists();
        Path path = top.key(multi ? Str("multiValueHeaders") : Str("headers")).key("#ci").key("user-agent");
        dump::string(multi ? path.index(0) : path, request.user_agent());
    } else {
        dump::string(v2 ? rc.key("http").key("userAgent") : rc.key("identity").key("userAgent"), request.user_agent());
    }
    context(rc, request);

    static const char* const known[] = {"httpMethod", "path", "rawPath", "rawQueryString", "version", "resource",
        "routeKey", "body", "isBase64Encoded", "headers", "multiValueHeaders", "queryStringParameters",
        "multiValueQueryStringParameters", "cookies", "pathParameters", "stageVariables", "requestContext", nullptr};
    others(top, request, known);
    return true;
}

const char* const types[] = {
    "apigw-v1-rest-proxy-request", "apigw-v2-http-request", "alb-request", "function-url-request", nullptr};
dump::Register registered("http", types, dump_http);

} // namespace
