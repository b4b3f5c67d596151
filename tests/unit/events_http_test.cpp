// The HTTP view over the four HTTP sources (detection on every sample,
// headers, query parameters, cookies, bodies, missing and malformed fields)
// and the response builder's shape for each source, parsed back.
#include <wisp/events/http.h>

#include <stdio.h>
#include <stdlib.h>

#include "kit.h"

using wisp::Arena;
using wisp::Builder;
using wisp::Outcome;
using wisp::Status;
using wisp::Str;
using wisp::events::Cookie;
using wisp::events::HttpRequest;
using wisp::events::HttpResponse;
using wisp::events::HttpSource;
using wisp::events::HttpStatus;
using wisp::events::StringList;
using wisp::json::Document;
using wisp::json::Type;
using wisp::json::Value;

namespace {

alignas(16) char g_memory[8 << 20];
char g_file[1 << 20];
char g_out[64 << 10];

Arena fresh_arena() { return Arena(g_memory, sizeof g_memory); }

Str bytes(const char* s) { return Str::from_cstr(s); }

constexpr bool text_is(Str a, const char* b)
{
    size_t i = 0;
    for (; i < a.len; ++i) {
        if (a.ptr[i] != b[i])
            return false;
    }
    return b[i] == 0;
}

// A sample file of WISP_EVENTS_DIR, into `into`; Str{} when unreadable.
Str read_sample(const char* path, char* into, size_t capacity)
{
    const char* dir = getenv("WISP_EVENTS_DIR");
    char name[1024];
    snprintf(name, sizeof name, "%s/%s", dir ? dir : "../shared/events", path);
    FILE* f = fopen(name, "rb");
    if (!f) {
        fprintf(stderr, "    cannot open %s (set WISP_EVENTS_DIR)\n", name);
        return {};
    }
    size_t len = fread(into, 1, capacity, f);
    fclose(f);
    return {into, len};
}

// A parsed event and its view, which points into the Document: built in
// place, never copied.
struct Event {
    Event(Str text, Arena& arena) : doc(Document::parse(text, arena)), request(doc.root(), arena) { }
    Event(const Event&) = delete;
    Document doc;
    HttpRequest request;
};

// The text of a sample (in g_file: one sample at a time).
Str sample(const char* path) { return read_sample(path, g_file, sizeof g_file); }

// The cookies of a request as "name=value;" pairs, to compare at once.
Str cookie_pairs(const HttpRequest& request, char* buffer, size_t capacity)
{
    Builder out(buffer, capacity);
    for (Cookie c : request.cookies())
        out.append(c.name).append('=').append(c.value).append(';');
    return out.view();
}

} // namespace

TEST(detects_the_source_of_every_sample)
{
    // Every file of INDEX.tsv: the four request types are detected, every
    // other event (authorizers, WebSocket, SQS, responses...) is none.
    static char index[256 << 10];
    Str text = read_sample("INDEX.tsv", index, sizeof index - 1);
    REQUIRE(text.len > 0);
    index[text.len] = 0;
    size_t counts[5] = {};
    size_t files = 0;
    char* line = index;
    strsep(&line, "\n"); // the heading
    while (line && *line) {
        char* row = strsep(&line, "\n");
        char* path = strsep(&row, "\t");
        strsep(&row, "\t");
        strsep(&row, "\t");
        char* type = strsep(&row, "\t");
        REQUIRE(type);
        HttpSource expected = HttpSource::none;
        if (!strcmp(type, "apigw-v1-rest-proxy-request"))
            expected = HttpSource::rest_v1;
        else if (!strcmp(type, "apigw-v2-http-request"))
            expected = HttpSource::http_v2;
        else if (!strcmp(type, "alb-request"))
            expected = HttpSource::alb;
        else if (!strcmp(type, "function-url-request"))
            expected = HttpSource::function_url;
        Arena arena = fresh_arena();
        Event event(sample(path), arena);
        if (!CHECK(event.doc.ok()))
            fprintf(stderr, "    %s does not parse\n", path);
        if (!CHECK_EQ(event.request.source(), expected))
            fprintf(stderr, "    %s (%s)\n", path, type);
        ++counts[static_cast<int>(event.request.source())];
        ++files;
    }
    CHECK(files > 200);
    CHECK_EQ(counts[static_cast<int>(HttpSource::rest_v1)], size_t{15});
    CHECK_EQ(counts[static_cast<int>(HttpSource::http_v2)], size_t{16});
    CHECK_EQ(counts[static_cast<int>(HttpSource::alb)], size_t{11});
    CHECK_EQ(counts[static_cast<int>(HttpSource::function_url)], size_t{6});
}

TEST(detection_rules)
{
    struct Case {
        const char* json;
        HttpSource source;
    };
    const Case cases[] = {
        {R"({"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"GET","path":"/"})", HttpSource::alb},
        {R"({"version":"2.0","requestContext":{"http":{"method":"GET"},"domainName":"a.execute-api.x"}})",
            HttpSource::http_v2},
        {R"({"version":"2.0","requestContext":{"http":{},"domainName":"abc.lambda-url.eu-west-1.on.aws"}})",
            HttpSource::function_url},
        // lambda-url only counts as the second label.
        {R"({"version":"2.0","requestContext":{"http":{},"domainName":"lambda-url.example.com"}})",
            HttpSource::http_v2},
        {R"({"version":"2.0","requestContext":{"http":{},"domainName":"x.y.lambda-url.on.aws"}})", HttpSource::http_v2},
        {R"({"version":"2.0","requestContext":{"http":{}}})", HttpSource::http_v2},
        {R"({"httpMethod":"POST","requestContext":{"requestId":"r"}})", HttpSource::rest_v1},
        {R"({"version":"1.0","httpMethod":"GET","requestContext":{}})", HttpSource::rest_v1}, // HTTP API 1.0
        // Not proxy requests: authorizers and WebSocket events.
        {R"({"version":"2.0","type":"REQUEST","routeArn":"arn","requestContext":{"http":{}}})", HttpSource::none},
        {R"({"type":"REQUEST","methodArn":"arn","httpMethod":"GET","requestContext":{}})", HttpSource::none},
        {R"({"httpMethod":"GET","requestContext":{"connectionId":"c","eventType":"MESSAGE"}})", HttpSource::none},
        // Wrong shapes.
        {R"({"httpMethod":"GET"})", HttpSource::none},
        {R"({"httpMethod":"GET","requestContext":"x"})", HttpSource::none},
        {R"({"httpMethod":7,"requestContext":{}})", HttpSource::none},
        {R"({"requestContext":{"http":"x"},"version":"2.0"})", HttpSource::none},
        // The rules go in order: an elb that is no object makes no ALB event.
        {R"({"requestContext":{"elb":[]},"httpMethod":"GET"})", HttpSource::rest_v1},
        {R"({"requestContext":{"elb":[]}})", HttpSource::none},
        // requestContext.http alone is no 2.0 event (an HTTP API 1.0 authorizer event has it).
        {R"({"version":"1.0","requestContext":{"http":{}}})", HttpSource::none},
        {R"({"version":"1.0","httpMethod":"GET","methodArn":"arn","requestContext":{"http":{}}})", HttpSource::none},
        {R"({})", HttpSource::none},
        {R"([{"httpMethod":"GET","requestContext":{}}])", HttpSource::none},
        {R"("requestContext")", HttpSource::none},
        {R"(null)", HttpSource::none},
        {R"({"Records":[{"eventSource":"aws:sqs"}]})", HttpSource::none},
    };
    for (const Case& c : cases) {
        Arena arena = fresh_arena();
        Event event(bytes(c.json), arena);
        REQUIRE(event.doc.ok());
        if (!CHECK_EQ(event.request.source(), c.source))
            fprintf(stderr, "    %s\n", c.json);
        CHECK_EQ(HttpRequest::detect(event.doc.root()), c.source);
    }
}

TEST(malformed_and_truncated_events_have_no_source)
{
    const char* events[] = {
        R"({"httpMethod":"GET","requestContext":{})",
        R"({"httpMethod":"GET","requestContext":{}}})",
        R"({"httpMethod":"GET" "requestContext":{}})",
        R"({"httpMethod":"GET","requestContext":{},})",
        "",
        "not json",
    };
    for (const char* text : events) {
        Arena arena = fresh_arena();
        Event event(bytes(text), arena);
        CHECK(!event.doc.ok());
        CHECK_EQ(event.request.source(), HttpSource::none);
        CHECK(event.request.method().ptr == nullptr);
        CHECK(event.request.path().ptr == nullptr);
        CHECK(event.request.header("host").ptr == nullptr);
        wisp::events::Cookies cookies = event.request.cookies();
        CHECK(!(cookies.begin() != cookies.end()));
    }
    Arena arena = fresh_arena();
    CHECK_EQ(Document::parse(bytes(R"({"httpMethod":"GET","requestContext":{)"), arena).error(),
        wisp::json::Error::truncated);
}

TEST(method_path_and_context_per_source)
{
    Arena arena = fresh_arena();
    Event v1(sample("aws-lambda-go/apigw-request.json"), arena);
    REQUIRE(v1.request.source() == HttpSource::rest_v1);
    CHECK(v1.request.method() == bytes("POST"));
    CHECK(v1.request.path() == bytes("/hello/world"));
    CHECK(v1.request.query_string().ptr == nullptr); // REST has no raw query string
    CHECK(v1.request.request_id() == bytes("deef4878-7910-11e6-8f14-25afc3e9ae33"));
    CHECK(v1.request.stage() == bytes("testStage"));
    CHECK(v1.request.source_ip() == bytes("192.168.196.186"));
    CHECK(v1.request.user_agent() == bytes("PostmanRuntime/2.4.5"));
    CHECK(v1.request.time_epoch().text == bytes("1589522469693"));
    CHECK(v1.request.account_id() == bytes("12345678912"));
    CHECK(v1.request.resource() == bytes("/{proxy+}"));
    CHECK(v1.request.path_parameters().get("proxy") == bytes("hello/world"));
    CHECK(v1.request.stage_variables().get("stageVariableName") == bytes("stageVariableValue"));
    CHECK(v1.request.authorizer().principal_id() == bytes("admin"));
    CHECK(v1.request.authorizer().number("clientId").text == bytes("1")); // a Lambda authorizer's context
    CHECK(v1.request.context().identity().client_cert().not_after() == bytes("Aug  5 09:36:04 2021 GMT"));
    CHECK(v1.request.body() == bytes("{\r\n\t\"a\": 1\r\n}"));
    CHECK(!v1.request.is_base64_encoded());

    Event v2(sample("aws-lambda-go/apigw-v2-request-jwt-authorizer.json"), arena);
    REQUIRE(v2.request.source() == HttpSource::http_v2);
    CHECK(v2.request.version_2());
    CHECK(v2.request.method() == bytes("GET"));
    CHECK(v2.request.path() == bytes("/my/path"));
    CHECK(v2.request.query_string() == bytes("parameter1=value1&parameter1=value2&parameter2=value"));
    CHECK(v2.request.source_ip() == bytes("IP"));
    CHECK(v2.request.user_agent() == bytes("agent"));
    CHECK(v2.request.time_epoch().text == bytes("1583348638390"));
    CHECK(v2.request.route_key() == bytes("$default"));
    CHECK(v2.request.authorizer().jwt_claims().get("claim1") == bytes("value1"));
    CHECK(v2.request.authorizer().jwt_scopes()[1] == bytes("scope2"));
    CHECK_EQ(v2.request.authorizer().jwt_scopes().size(), size_t{2});

    Event url(sample("aws-lambda-go/lambda-urls-request.json"), arena);
    REQUIRE(url.request.source() == HttpSource::function_url);
    CHECK(url.request.method() == bytes("POST"));
    CHECK(url.request.request_id() == bytes("id"));
    CHECK(url.request.stage().ptr == nullptr); // this one has none
    CHECK(url.request.authorizer().iam().user_arn() == bytes("arn:aws:iam::111122223333:user/example-user"));

    Event alb(sample("aws-lambda-java-libs/elb_event.json"), arena);
    REQUIRE(alb.request.source() == HttpSource::alb);
    CHECK(!alb.request.multi_value());
    CHECK(alb.request.method() == bytes("GET"));
    CHECK(alb.request.path() == bytes("/"));
    CHECK(alb.request.request_id().ptr == nullptr); // ALB has none
    CHECK(alb.request.source_ip().ptr == nullptr);
    CHECK(alb.request.user_agent() ==
        bytes("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.11; rv:60.0) Gecko/20100101 Firefox/60.0"));
    CHECK(alb.request.context().target_group_arn() ==
        bytes("arn:aws:elasticloadbalancing:us-east-1:XXXXXXXXXXX:targetgroup/sample/6d0ecf831eec9f09"));
    Event multi(sample("aws-lambda-go/alb-lambda-target-request-multivalue-headers.json"), arena);
    CHECK(multi.request.multi_value());
    CHECK(multi.request.user_agent() == bytes("curl/7.54.0"));
}

TEST(headers_case_insensitive)
{
    Arena arena = fresh_arena();
    Event event(bytes(R"({"version":"2.0","requestContext":{"http":{"method":"GET"}},)"
                      R"("headers":{"Content-Type":"text/plain","x-\u0041b":"caf\u00e9",)"
                      R"("x.y:z w":"odd key","accept":"a,b","n":5}})"),
        arena);
    REQUIRE(event.request.source() == HttpSource::http_v2);
    const HttpRequest& r = event.request;
    CHECK(r.header("content-type") == bytes("text/plain"));
    CHECK(r.header("CONTENT-TYPE") == bytes("text/plain"));
    CHECK(r.header("Content-Type") == bytes("text/plain"));
    CHECK(r.header("X-AB") == bytes("caf\xc3\xa9")); // the key and the value unescaped
    CHECK(r.header("X.Y:Z W") == bytes("odd key"));
    CHECK(r.header("content-typ").ptr == nullptr);
    CHECK(r.header("content-type-").ptr == nullptr);
    CHECK(r.header("absent").ptr == nullptr);
    CHECK(r.header("n").ptr == nullptr); // not a string
    // 2.0 joins repeated headers with commas: one value.
    StringList accept = r.header_values("Accept");
    CHECK_EQ(accept.size(), size_t{1});
    CHECK(accept[0] == bytes("a,b"));
    CHECK(accept[1].ptr == nullptr);
    CHECK_EQ(r.header_values("absent").size(), size_t{0});
    // '[' and '{' are not letters: no case folding onto them.
    CHECK(r.header("CONTENT{TYPE").ptr == nullptr);
}

TEST(multi_value_headers_keep_every_value)
{
    Arena arena = fresh_arena();
    Event event(bytes(R"({"httpMethod":"GET","requestContext":{},)"
                      R"("headers":{"Accept":"b","Host":"h"},)"
                      R"("multiValueHeaders":{"accept":["a","b"],"X-One":"single","X-Bad":[1,"two"]}})"),
        arena);
    REQUIRE(event.request.source() == HttpSource::rest_v1);
    const HttpRequest& r = event.request;
    StringList accept = r.header_values("ACCEPT");
    REQUIRE(accept.size() == 2);
    CHECK(accept[0] == bytes("a"));
    CHECK(accept[1] == bytes("b"));
    Str seen[2];
    size_t n = 0;
    for (Str value : accept)
        seen[n++] = value;
    CHECK_EQ(n, size_t{2});
    CHECK(seen[1] == bytes("b"));
    CHECK(r.header("accept") == bytes("a")); // the first value
    CHECK(r.header("host") == bytes("h"));   // only in headers: a list of one
    CHECK_EQ(r.header_values("host").size(), size_t{1});
    CHECK(r.header("x-one") == bytes("single")); // a string where a list was expected
    StringList bad = r.header_values("x-bad");
    CHECK_EQ(bad.size(), size_t{2});
    CHECK(bad[0].ptr == nullptr);
    CHECK(bad[1] == bytes("two"));
    CHECK_EQ(r.multi_value_headers().size(), size_t{3});

    Event alb(sample("aws-lambda-rust-runtime/alb_multi_value_request.json"), arena);
    REQUIRE(alb.request.source() == HttpSource::alb);
    CHECK(alb.request.multi_value());
}

TEST(query_parameters_per_source)
{
    Arena arena = fresh_arena();
    // REST: decoded by API Gateway; the first of the multi-value list.
    Event v1(bytes(R"({"httpMethod":"GET","requestContext":{},)"
                   R"("queryStringParameters":{"a":"2","only":"x%20y","one":"1"},)"
                   R"("multiValueQueryStringParameters":{"a":["1","2"],"only":["x%20y"]}})"),
        arena);
    REQUIRE(v1.request.source() == HttpSource::rest_v1);
    CHECK(v1.request.query("a") == bytes("1"));
    CHECK(v1.request.query("only") == bytes("x%20y")); // already decoded: left alone
    CHECK(v1.request.query("one") == bytes("1"));      // only in the single-value map
    CHECK(v1.request.query("absent").ptr == nullptr);
    CHECK(v1.request.multi_value_query_parameters().get("a")[1] == bytes("2"));

    // ALB passes them on encoded: decoded here, '+' as a space.
    Event alb(bytes(R"({"httpMethod":"GET","requestContext":{"elb":{}},)"
                    R"("queryStringParameters":{"q":"a%20b+c%2B","e":"","bad":"100%","u":"caf%C3%A9"}})"),
        arena);
    REQUIRE(alb.request.source() == HttpSource::alb);
    CHECK(alb.request.query("q") == bytes("a b c+"));
    CHECK(alb.request.query("u") == bytes("caf\xc3\xa9"));
    CHECK(alb.request.query("bad") == bytes("100%"));
    CHECK(alb.request.query("e").ptr != nullptr);
    CHECK(alb.request.query("e").empty());
    CHECK(alb.request.query("absent").ptr == nullptr);
    Event alb_multi(sample("aws-lambda-rust-runtime/alb_multi_value_request_encoded_query_parameters.json"), arena);
    CHECK(alb_multi.request.query("myKey") == bytes("?showAll=true"));

    // 2.0: API Gateway's map, repeated values joined; form_value reads the raw string exactly.
    Event v2(sample("aws-lambda-go/apigw-v2-request-iam.json"), arena);
    REQUIRE(v2.request.version_2());
    CHECK(v2.request.query("parameter1") == bytes("value1,value2"));
    CHECK(wisp::events::form_value(v2.request.query_string(), "parameter1", arena) == bytes("value1"));
    CHECK(wisp::events::form_value(v2.request.query_string(), "parameter2", arena) == bytes("value"));
}

TEST(form_values)
{
    Arena arena = fresh_arena();
    Str form = bytes("a=1&b=x+y%21&c&d=&k%65y=v&a=2&=e&sp%20ace=%E2%9C%93");
    CHECK(wisp::events::form_value(form, "a", arena) == bytes("1"));
    CHECK(wisp::events::form_value(form, "b", arena) == bytes("x y!"));
    Str c = wisp::events::form_value(form, "c", arena);
    CHECK(c.ptr != nullptr && c.empty());
    Str d = wisp::events::form_value(form, "d", arena);
    CHECK(d.ptr != nullptr && d.empty());
    CHECK(wisp::events::form_value(form, "key", arena) == bytes("v")); // the name decoded too
    CHECK(wisp::events::form_value(form, "", arena) == bytes("e"));
    CHECK(wisp::events::form_value(form, "sp ace", arena) == bytes("\xe2\x9c\x93"));
    CHECK(wisp::events::form_value(form, "absent", arena).ptr == nullptr);
    CHECK(wisp::events::form_value(Str(), "a", arena).ptr == nullptr);
    CHECK(wisp::events::form_value(bytes(""), "a", arena).ptr == nullptr);
}

TEST(cookies_from_the_2_0_array)
{
    Arena arena = fresh_arena();
    Event event(bytes(R"({"version":"2.0","requestContext":{"http":{}},)"
                      R"("cookies":["a=1","b=2; c=3","flag","q=\"x=y\"","  ;; "],)"
                      R"("headers":{"cookie":"ignored=1"}})"),
        arena);
    REQUIRE(event.request.source() == HttpSource::http_v2);
    char buffer[256];
    CHECK(cookie_pairs(event.request, buffer, sizeof buffer) == bytes("a=1;b=2;c=3;=flag;q=\"x=y\";"));
    CHECK(event.request.cookie("c") == bytes("3"));
    CHECK(event.request.cookie("q") == bytes("\"x=y\""));  // as sent
    CHECK(event.request.cookie("ignored").ptr == nullptr); // the array wins over the header
    CHECK(event.request.cookie("A").ptr == nullptr);       // names are case-sensitive
    CHECK_EQ(event.request.cookie_list().size(), size_t{5});

    Event url(sample("aws-lambda-rust-runtime/lambda_function_url_request.json"), arena);
    CHECK(url.request.cookie("test") == bytes("hi"));
}

TEST(cookies_from_cookie_headers)
{
    Arena arena = fresh_arena();
    char buffer[256];
    // REST and ALB: every Cookie header's value, split at ';'.
    Event alb(sample("aws-lambda-rust-runtime/alb_multi_value_request_encoded_query_parameters.json"), arena);
    CHECK(cookie_pairs(alb.request, buffer, sizeof buffer) == bytes("name1=value1;name2=value2;"));
    Event v1(bytes(R"({"httpMethod":"GET","requestContext":{},"headers":{"Cookie":"a=1;b=2;  c=3 "}})"), arena);
    CHECK(cookie_pairs(v1.request, buffer, sizeof buffer) == bytes("a=1;b=2;c=3;"));
    CHECK(v1.request.cookie("b") == bytes("2"));
    // 2.0 without a cookies array falls back on the header.
    Event v2(bytes(R"({"version":"2.0","requestContext":{"http":{}},"headers":{"cookie":"k=v"}})"), arena);
    CHECK(v2.request.cookie("k") == bytes("v"));
    // None at all, or of the wrong type.
    Event none(bytes(R"({"httpMethod":"GET","requestContext":{}})"), arena);
    wisp::events::Cookies no_cookies = none.request.cookies();
    CHECK(!(no_cookies.begin() != no_cookies.end()));
    CHECK(none.request.cookie("a").ptr == nullptr);
    Event wrong(bytes(R"({"version":"2.0","requestContext":{"http":{}},"cookies":7})"), arena);
    CHECK(cookie_pairs(wrong.request, buffer, sizeof buffer).empty());
}

TEST(many_cookies_in_one_pass)
{
    // 200,000 cookies: iteration steps through the array once; looking each
    // element up from the front would take minutes.
    static char text[4 << 20];
    Builder json(text, sizeof text);
    json.append(Str(R"({"version":"2.0","requestContext":{"http":{}},"cookies":[)"));
    for (int i = 0; i < 200000; ++i)
        json.append(i ? Str(",\"c=") : Str("\"c=")).append_int(i).append('"');
    json.append(Str(R"(,"last=yes"]})"));
    REQUIRE(!json.overflowed());
    Arena arena = fresh_arena();
    Event event(json.view(), arena);
    REQUIRE(event.request.source() == HttpSource::http_v2);
    size_t n = 0;
    Str value;
    for (Cookie c : event.request.cookies()) {
        if (n == 123456)
            value = c.value;
        ++n;
    }
    CHECK_EQ(n, size_t{200001});
    CHECK(value == bytes("123456"));
    CHECK(event.request.cookie("last") == bytes("yes"));
    size_t elements = 0;
    for (Str element : event.request.cookie_list())
        elements += element.len > 0;
    CHECK_EQ(elements, size_t{200001});
}

TEST(bodies_and_base64)
{
    Arena arena = fresh_arena();
    Event url(sample("aws-lambda-go/function-url-domain-only-request-with-base64-encoded-body.json"), arena);
    REQUIRE(url.request.source() == HttpSource::function_url);
    CHECK(url.request.is_base64_encoded());
    CHECK(url.request.body() == bytes("PGlkay8+"));
    CHECK(url.request.decoded_body() == bytes("<idk/>"));

    Event binary(bytes(R"({"version":"2.0","requestContext":{"http":{}},"isBase64Encoded":true,)"
                       R"("body":"AAEC/w=="})"),
        arena);
    CHECK(binary.request.decoded_body() == Str("\x00\x01\x02\xff", 4));

    Event bad(bytes(R"({"httpMethod":"POST","requestContext":{},"isBase64Encoded":true,"body":"abc"})"), arena);
    CHECK(bad.request.decoded_body().ptr == nullptr); // not canonical base64
    CHECK(bad.request.body() == bytes("abc"));

    Event text(bytes(R"({"httpMethod":"POST","requestContext":{},"isBase64Encoded":false,)"
                     R"("body":"line\nnext \u2603"})"),
        arena);
    CHECK(text.request.decoded_body() == bytes("line\nnext \xe2\x98\x83"));

    Event empty(bytes(R"({"httpMethod":"POST","requestContext":{},"isBase64Encoded":true,"body":""})"), arena);
    CHECK(empty.request.decoded_body().ptr != nullptr);
    CHECK(empty.request.decoded_body().empty());

    Event null_body(sample("aws-lambda-rust-runtime/example-apigw-sam-rest-request.json"), arena);
    CHECK(null_body.request.body().ptr == nullptr);
    CHECK(null_body.request.decoded_body().ptr == nullptr);

    // A flag of the wrong type is no flag.
    Event odd(bytes(R"({"httpMethod":"POST","requestContext":{},"isBase64Encoded":"true","body":"AA=="})"), arena);
    CHECK(!odd.request.is_base64_encoded());
    CHECK(odd.request.decoded_body() == bytes("AA=="));
}

TEST(missing_and_mistyped_fields)
{
    Arena arena = fresh_arena();
    Event bare(bytes(R"({"version":"2.0","requestContext":{"http":{}}})"), arena);
    REQUIRE(bare.request.source() == HttpSource::http_v2);
    const HttpRequest& r = bare.request;
    CHECK(r.method().ptr == nullptr);
    CHECK(r.path().ptr == nullptr);
    CHECK(r.query("a").ptr == nullptr);
    CHECK(r.header("a").ptr == nullptr);
    CHECK(r.body().ptr == nullptr);
    CHECK(r.decoded_body().ptr == nullptr);
    CHECK(r.request_id().ptr == nullptr);
    CHECK(r.time_epoch().text.ptr == nullptr);
    CHECK(r.authorizer().jwt_claims().get("sub").ptr == nullptr);
    CHECK_EQ(r.headers().size(), size_t{0});

    Event mistyped(bytes(R"({"httpMethod":"GET","path":5,"requestContext":{"requestId":[],"identity":"x"},)"
                         R"("headers":"oops","multiValueHeaders":[],"body":{"a":1},)"
                         R"("queryStringParameters":[],"multiValueQueryStringParameters":{"a":{}}})"),
        arena);
    REQUIRE(mistyped.request.source() == HttpSource::rest_v1);
    CHECK(mistyped.request.path().ptr == nullptr);
    CHECK(mistyped.request.request_id().ptr == nullptr);
    CHECK(mistyped.request.source_ip().ptr == nullptr);
    CHECK(mistyped.request.header("oops").ptr == nullptr);
    CHECK(mistyped.request.body().ptr == nullptr);
    CHECK(mistyped.request.query("a").ptr == nullptr);
}

TEST(numbers_kept_as_text_and_odd_keys)
{
    Arena arena = fresh_arena();
    Event event(bytes(R"({"httpMethod":"GET","requestContext":{"requestTimeEpoch":123456789012345678901234567890,)"
                      R"("authorizer":{"claims":{"cognito:username":"ada","custom:a.b c":"x"},)"
                      R"("lambda.key":"v","n":1.5e3,"t":true}}})"),
        arena);
    REQUIRE(event.request.source() == HttpSource::rest_v1);
    wisp::events::Number epoch = event.request.time_epoch();
    CHECK(epoch.text == bytes("123456789012345678901234567890"));
    long long value = 0;
    CHECK(!epoch.get_int(&value));
    wisp::events::HttpAuthorizer auth = event.request.authorizer();
    CHECK(auth.claims().get("cognito:username") == bytes("ada"));
    CHECK(auth.claims().get("custom:a.b c") == bytes("x"));
    CHECK(auth.string("lambda.key") == bytes("v"));
    CHECK(auth.number("n").text == bytes("1.5e3"));
    CHECK(auth.boolean("t"));
}

// ---- responses ----

namespace {

// A response document parsed back, in place (root points into doc).
struct Built {
    Built(Outcome result, Arena& arena)
        : outcome(result), doc(Document::parse(result.text, arena)), root(doc.root()) { }
    Built(const Built&) = delete;
    Outcome outcome;
    Document doc;
    Value root;
};

Str string_at(Value value, Arena& arena)
{
    Str out;
    return value.get_string(arena, &out) ? out : Str{};
}

long long int_at(Value value)
{
    long long out = -1;
    return value.get_int(&out) ? out : -1;
}

bool bool_at(Value value)
{
    bool out = false;
    return value.get_bool(&out) && out;
}

bool has_only(Value object, const char* const* keys)
{
    for (wisp::json::Member member : object.members()) {
        const char* const* k = keys;
        while (*k && member.key.raw() != bytes(*k))
            ++k;
        if (!*k) {
            fprintf(
                stderr, "    unexpected member %.*s\n", static_cast<int>(member.key.raw().len), member.key.raw().ptr);
            return false;
        }
    }
    return true;
}

HttpRequest request_of(const char* json, Arena& arena, Document* doc)
{
    *doc = Document::parse(bytes(json), arena);
    return HttpRequest(doc->root(), arena);
}

const char* const v1_event = R"({"httpMethod":"GET","path":"/","requestContext":{}})";
const char* const v2_event = R"({"version":"2.0","requestContext":{"http":{"method":"GET"}}})";
const char* const url_event =
    R"({"version":"2.0","requestContext":{"http":{"method":"GET"},"domainName":"u.lambda-url.us-east-1.on.aws"}})";
const char* const alb_event = R"({"httpMethod":"GET","path":"/","requestContext":{"elb":{}},"headers":{}})";
const char* const alb_multi_event =
    R"({"httpMethod":"GET","path":"/","requestContext":{"elb":{}},"multiValueHeaders":{}})";

} // namespace

TEST(response_rest_v1)
{
    Arena arena = fresh_arena();
    Document doc;
    HttpRequest request = request_of(v1_event, arena, &doc);
    Builder out(g_out, sizeof g_out);
    HttpResponse response(request, out, "application/json");
    response.header("X-Quote", "a \"b\"\n");
    response.cookie("a=1; Path=/").cookie("b=2");
    Built built(response.send(201, "{\"ok\":true}"), arena);
    REQUIRE(built.outcome.status == Status::success);
    CHECK(built.outcome.type == bytes("application/json"));
    REQUIRE(built.doc.ok());
    static const char* const keys[] = {
        "statusCode", "headers", "multiValueHeaders", "isBase64Encoded", "body", nullptr};
    CHECK(has_only(built.root, keys));
    CHECK_EQ(int_at(built.root["statusCode"]), 201ll);
    CHECK(string_at(built.root["headers"]["Content-Type"], arena) == bytes("application/json"));
    CHECK(string_at(built.root["headers"]["X-Quote"], arena) == bytes("a \"b\"\n"));
    Value cookies = built.root["multiValueHeaders"]["Set-Cookie"];
    CHECK_EQ(cookies.size(), size_t{2});
    CHECK(string_at(cookies[0], arena) == bytes("a=1; Path=/"));
    CHECK(string_at(cookies[1], arena) == bytes("b=2"));
    CHECK(!bool_at(built.root["isBase64Encoded"]));
    CHECK(string_at(built.root["body"], arena) == bytes("{\"ok\":true}"));
}

TEST(response_http_v2_and_function_url)
{
    const char* events[] = {v2_event, url_event};
    for (const char* event : events) {
        Arena arena = fresh_arena();
        Document doc;
        HttpRequest request = request_of(event, arena, &doc);
        REQUIRE(request.version_2());
        Builder out(g_out, sizeof g_out);
        HttpResponse response(request, out, "text/plain");
        response.header("Cache-Control", "no-store");
        response.cookie("session=abc; Secure; HttpOnly").cookie("theme=dark");
        Built built(response.send(200, "h\xc3\xa9llo"), arena);
        REQUIRE(built.outcome.status == Status::success);
        REQUIRE(built.doc.ok());
        static const char* const keys[] = {"statusCode", "headers", "cookies", "isBase64Encoded", "body", nullptr};
        CHECK(has_only(built.root, keys));
        CHECK_EQ(int_at(built.root["statusCode"]), 200ll);
        CHECK(string_at(built.root["headers"]["Cache-Control"], arena) == bytes("no-store"));
        CHECK(string_at(built.root["headers"]["Content-Type"], arena) == bytes("text/plain"));
        CHECK_EQ(built.root["cookies"].size(), size_t{2});
        CHECK(string_at(built.root["cookies"][1], arena) == bytes("theme=dark"));
        CHECK(string_at(built.root["body"], arena) == bytes("h\xc3\xa9llo"));
    }
}

TEST(response_alb_without_multi_value_headers)
{
    Arena arena = fresh_arena();
    Document doc;
    HttpRequest request = request_of(alb_event, arena, &doc);
    REQUIRE(request.source() == HttpSource::alb);
    REQUIRE(!request.multi_value());
    Builder out(g_out, sizeof g_out);
    HttpResponse response(request, out, "text/html");
    response.header("X-A", "1");
    response.cookie("c0=0").cookie("c1=1").cookie("c2=2").cookie("c3=3");
    response.header("X-After", "fine here"); // cookies are headers in this shape
    Built built(response.send(404, "<p>gone</p>"), arena);
    REQUIRE(built.outcome.status == Status::success);
    REQUIRE(built.doc.ok());
    static const char* const keys[] = {
        "statusCode", "statusDescription", "headers", "isBase64Encoded", "body", nullptr};
    CHECK(has_only(built.root, keys));
    CHECK_EQ(int_at(built.root["statusCode"]), 404ll);
    CHECK(string_at(built.root["statusDescription"], arena) == bytes("404 Not Found"));
    Value headers = built.root["headers"];
    CHECK(string_at(headers["X-After"], arena) == bytes("fine here"));
    // Four distinct keys, each Set-Cookie in another case, in order.
    const char* names[] = {"Set-Cookie", "set-Cookie", "SEt-Cookie", "sEt-Cookie"};
    const char* values[] = {"c0=0", "c1=1", "c2=2", "c3=3"};
    for (int i = 0; i < 4; ++i)
        CHECK(string_at(headers[bytes(names[i])], arena) == bytes(values[i]));
    size_t set_cookies = 0;
    for (wisp::json::Member member : headers.members())
        set_cookies += wisp::equals_ignore_case(member.key.raw(), "set-cookie");
    CHECK_EQ(set_cookies, size_t{4});
}

TEST(response_alb_with_multi_value_headers)
{
    Arena arena = fresh_arena();
    Document doc;
    HttpRequest request = request_of(alb_multi_event, arena, &doc);
    REQUIRE(request.multi_value());
    Builder out(g_out, sizeof g_out);
    HttpResponse response(request, out, "application/json");
    response.header("X-A", "1");
    response.cookie("a=1").cookie("b=2");
    Built built(response.send(200, "[]"), arena);
    REQUIRE(built.outcome.status == Status::success);
    REQUIRE(built.doc.ok());
    static const char* const keys[] = {
        "statusCode", "statusDescription", "multiValueHeaders", "isBase64Encoded", "body", nullptr};
    CHECK(has_only(built.root, keys)); // no "headers": ALB would ignore them
    CHECK(string_at(built.root["statusDescription"], arena) == bytes("200 OK"));
    Value headers = built.root["multiValueHeaders"];
    CHECK(string_at(headers["Content-Type"][0], arena) == bytes("application/json"));
    CHECK(string_at(headers["X-A"][0], arena) == bytes("1"));
    CHECK_EQ(headers["Set-Cookie"].size(), size_t{2});
    CHECK(string_at(headers["Set-Cookie"][1], arena) == bytes("b=2"));
}

TEST(response_binary_bodies)
{
    const char* events[] = {v1_event, v2_event, url_event, alb_event, alb_multi_event};
    for (const char* event : events) {
        Arena arena = fresh_arena();
        Document doc;
        HttpRequest request = request_of(event, arena, &doc);
        Builder out(g_out, sizeof g_out);
        HttpResponse response(request, out, "image/png");
        Built built(response.send_binary(200, Str("\x89PNG\x00\xff", 6)), arena);
        REQUIRE(built.outcome.status == Status::success);
        REQUIRE(built.doc.ok());
        CHECK(bool_at(built.root["isBase64Encoded"]));
        CHECK(string_at(built.root["body"], arena) == bytes("iVBORwD/"));
    }
}

TEST(response_without_headers_and_status_phrases)
{
    Arena arena = fresh_arena();
    Document doc;
    HttpRequest request = request_of(alb_event, arena, &doc);
    Builder out(g_out, sizeof g_out);
    HttpResponse response(request, out);
    Built built(response.send(HttpStatus(418, wisp::events::http_reason(418)), ""), arena);
    REQUIRE(built.doc.ok());
    CHECK_EQ(built.root["headers"].type(), Type::object); // ALB wants it, empty or not
    CHECK_EQ(built.root["headers"].size(), size_t{0});
    CHECK(string_at(built.root["statusDescription"], arena) == bytes("418 Client Error"));
    CHECK(string_at(built.root["body"], arena).empty());

    // Constant codes take their phrase at compile time.
    static_assert(text_is(HttpStatus(204).reason, "No Content"));
    static_assert(text_is(HttpStatus(599).reason, "Server Error"));
    static_assert(text_is(HttpStatus(700).reason, "Unknown"));
    CHECK(wisp::events::http_reason(503) == bytes("Service Unavailable"));

    // No HTTP source: the REST shape.
    Document none_doc;
    HttpRequest none = request_of("{}", arena, &none_doc);
    Builder out2(g_out, sizeof g_out);
    HttpResponse fallback(none, out2);
    fallback.cookie("a=b");
    Built rest(fallback.send(500, "x"), arena);
    REQUIRE(rest.doc.ok());
    CHECK(string_at(rest.root["multiValueHeaders"]["Set-Cookie"][0], arena) == bytes("a=b"));
    CHECK(!rest.root["statusDescription"].exists());
}

TEST(response_misuse_and_overflow_fail)
{
    Arena arena = fresh_arena();
    Document doc;
    HttpRequest v2 = request_of(v2_event, arena, &doc);
    Builder out(g_out, sizeof g_out);
    HttpResponse late(v2, out);
    late.cookie("a=1").header("X-Late", "1");
    Outcome outcome = late.send(200, "");
    CHECK(outcome.status == Status::failure);
    CHECK(outcome.type == bytes("Function.InvalidResponse"));

    Document alb_doc;
    HttpRequest alb = request_of(alb_event, arena, &alb_doc);
    Builder out2(g_out, sizeof g_out);
    HttpResponse many(alb, out2);
    for (int i = 0; i < 512; ++i)
        many.cookie("c=1");
    CHECK(many.send(200, "").status == Status::success); // 512 case variants of Set-Cookie
    Builder out3(g_out, sizeof g_out);
    HttpResponse too_many(alb, out3);
    for (int i = 0; i < 513; ++i)
        too_many.cookie("c=1");
    CHECK(too_many.send(200, "").type == bytes("Function.InvalidResponse"));

    char small[64];
    Builder tiny(small, sizeof small);
    HttpResponse overflow(v2, tiny, "application/json");
    outcome = overflow.send(200, "a body that will not fit in sixty-four bytes with the rest");
    CHECK(outcome.status == Status::failure);
    CHECK(outcome.type == bytes("Function.ResponseTooLarge"));

    char body_bytes[4];
    Builder body(body_bytes, sizeof body_bytes);
    body.append(Str("too long"));
    Builder out4(g_out, sizeof g_out);
    HttpResponse from_builder(v2, out4);
    CHECK(from_builder.send(200, body).type == bytes("Function.ResponseTooLarge"));
    Builder fine(body_bytes, sizeof body_bytes);
    fine.append(Str("ok"));
    Builder out5(g_out, sizeof g_out);
    HttpResponse good(v2, out5);
    Built built(good.send(200, fine), arena);
    REQUIRE(built.doc.ok());
    CHECK(string_at(built.root["body"], arena) == bytes("ok"));
}

// The response samples: their content built again for the source they came
// from, and the effective headers and cookies (what the service sends on)
// compared with the sample's.
namespace {

struct Pair {
    Str name;
    Str value;
};

struct Effective {
    Pair headers[32];
    size_t header_count = 0;
    Str cookies[16];
    size_t cookie_count = 0;
};

void add(Effective* e, Str name, Str value)
{
    if (wisp::equals_ignore_case(name, "set-cookie")) {
        if (e->cookie_count < 16)
            e->cookies[e->cookie_count++] = value;
    } else if (e->header_count < 32) {
        e->headers[e->header_count++] = {name, value};
    }
}

// What a service makes of a response document: multiValueHeaders entries
// (values joined with ", "), headers entries not in multiValueHeaders (for
// ALB with multi-value headers on, none at all), the cookies array.
Effective effective(Value root, bool multi_value_only, Arena& arena)
{
    Effective e;
    Value multi = root["multiValueHeaders"];
    for (wisp::json::Member member : multi.members()) {
        Str name = string_at(member.key, arena);
        if (wisp::equals_ignore_case(name, "set-cookie")) {
            for (Value v : member.value.elements())
                add(&e, name, string_at(v, arena));
            continue;
        }
        char* joined = static_cast<char*>(arena.alloc(4096, 1));
        Builder b(joined, 4096);
        size_t i = 0;
        for (Value v : member.value.elements())
            b.append(i++ ? Str(", ") : Str("")).append(string_at(v, arena));
        add(&e, name, b.view());
    }
    if (!multi_value_only) {
        for (wisp::json::Member member : root["headers"].members()) {
            Str name = string_at(member.key, arena);
            bool shadowed = false;
            for (wisp::json::Member m : multi.members())
                shadowed |= wisp::equals_ignore_case(string_at(m.key, arena), name);
            if (!shadowed)
                add(&e, name, string_at(member.value, arena));
        }
    }
    for (Value v : root["cookies"].elements())
        add(&e, "Set-Cookie", string_at(v, arena));
    return e;
}

bool same(const Effective& a, const Effective& b)
{
    if (a.header_count != b.header_count || a.cookie_count != b.cookie_count)
        return false;
    for (size_t i = 0; i < a.header_count; ++i) {
        bool found = false;
        for (size_t j = 0; j < b.header_count; ++j)
            found |= wisp::equals_ignore_case(a.headers[i].name, b.headers[j].name) &&
                a.headers[i].value == b.headers[j].value;
        if (!found)
            return false;
    }
    for (size_t i = 0; i < a.cookie_count; ++i)
        if (!(a.cookies[i] == b.cookies[i]))
            return false;
    return true;
}

// Builds the sample's response for request, checks the document's shape
// for the source and that it carries what the sample does.
void rebuild(const char* path, const char* event, Arena& arena)
{
    char text[8192];
    Str sample_text = read_sample(path, text, sizeof text);
    Document sample_doc = Document::parse(sample_text, arena);
    REQUIRE(sample_doc.ok());
    Value s = sample_doc.root();
    Document request_doc;
    HttpRequest request = request_of(event, arena, &request_doc);
    bool alb_multi = request.multi_value();
    Effective wanted = effective(s, alb_multi, arena);

    Builder out(g_out, sizeof g_out);
    HttpResponse response(request, out);
    for (size_t i = 0; i < wanted.header_count; ++i)
        response.header(wanted.headers[i].name, wanted.headers[i].value);
    for (size_t i = 0; i < wanted.cookie_count; ++i)
        response.cookie(wanted.cookies[i]);
    long long code = int_at(s["statusCode"]);
    Str body = string_at(s["body"], arena);
    HttpStatus status(static_cast<int>(code), wisp::events::http_reason(static_cast<int>(code)));
    Outcome outcome = bool_at(s["isBase64Encoded"]) ? response.send_binary(status, body) : response.send(status, body);
    REQUIRE(outcome.status == Status::success);
    Document built_doc = Document::parse(outcome.text, arena);
    REQUIRE(built_doc.ok());
    Value b = built_doc.root();

    CHECK_EQ(int_at(b["statusCode"]), code);
    CHECK(string_at(b["body"], arena) == body);
    CHECK_EQ(bool_at(b["isBase64Encoded"]), bool_at(s["isBase64Encoded"]));
    if (!CHECK(same(effective(b, alb_multi, arena), wanted)))
        fprintf(stderr, "    %s: headers or cookies differ: %.*s\n", path, static_cast<int>(outcome.text.len),
            outcome.text.ptr);
    switch (request.source()) {
    case HttpSource::alb: {
        CHECK(string_at(b["statusDescription"], arena) == string_at(s["statusDescription"], arena));
        static const char* const single[] = {
            "statusCode", "statusDescription", "headers", "isBase64Encoded", "body", nullptr};
        static const char* const multi[] = {
            "statusCode", "statusDescription", "multiValueHeaders", "isBase64Encoded", "body", nullptr};
        CHECK(has_only(b, alb_multi ? multi : single));
        break;
    }
    case HttpSource::rest_v1: {
        static const char* const keys[] = {
            "statusCode", "headers", "multiValueHeaders", "isBase64Encoded", "body", nullptr};
        CHECK(has_only(b, keys));
        break;
    }
    default: {
        static const char* const keys[] = {"statusCode", "headers", "cookies", "isBase64Encoded", "body", nullptr};
        CHECK(has_only(b, keys));
        break;
    }
    }
}

} // namespace

TEST(response_samples_rebuilt_for_their_source)
{
    struct Case {
        const char* path;
        const char* event;
    };
    const Case cases[] = {
        {"aws-lambda-go/alb-lambda-target-response.json", alb_multi_event},
        {"aws-lambda-go/alb-lambda-target-response.json", alb_event},
        {"aws-lambda-rust-runtime/example-alb-lambda-target-response.json", alb_multi_event},
        {"aws-lambda-java-libs/response/alb_response.json", alb_multi_event},
        {"aws-lambda-java-libs/response/alb_response.json", alb_event},
        {"aws-lambda-go/apigw-response.json", v1_event},
        {"aws-lambda-rust-runtime/example-apigw-response.json", v1_event},
        {"aws-lambda-java-libs/apigw/responses/apigw_response.json", v1_event},
        {"aws-lambda-java-libs/apigw/responses/apigw_response2.json", v1_event},
        {"aws-lambda-java-libs/response/apigw_proxy_response.json", v1_event},
        {"aws-lambda-java-libs/response/apigw_v2_http_response.json", v2_event},
        {"aws-lambda-go/lambda-urls-response.json", url_event},
    };
    for (const Case& c : cases) {
        Arena arena = fresh_arena();
        rebuild(c.path, c.event, arena);
    }
}
