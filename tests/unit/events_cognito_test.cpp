#include <wisp/events/cognito.h>

#include "kit.h"
#include "parsed_event.h"

#include <stdlib.h>

using wisp::Arena;
using wisp::Builder;
using wisp::Outcome;
using wisp::Status;
using wisp::Str;
using namespace wisp::events;
using wisp::json::Document;
using wisp::json::Type;
using wisp::json::Value;

namespace {

alignas(16) char g_memory[1 << 20];
char g_out[1 << 16];

using Parsed = ParsedEvent<CognitoEvent>;

Parsed& parse(const char* text) { return parsed_event<CognitoEvent>(text); }

// respond() over text into g_out; the Outcome's text is what was written.
Outcome respond_to(const char* text, const char* response, size_t capacity = sizeof g_out)
{
    Parsed& p = parse(text);
    Builder out(g_out, capacity);
    return respond(p.event(), out, Str::from_cstr(response));
}

// The answer parses back, and its members other than "response" are the
// event's, byte for byte.
bool reparses_with(Str answer, const char* event_text, Str response)
{
    static char memory[1 << 20];
    Arena arena(memory, sizeof memory);
    Document doc = Document::parse(answer, arena);
    Parsed& original = parse(event_text);
    if (!doc.ok() || doc.root().type() != Type::object)
        return false;
    size_t responses = 0, others = 0;
    for (wisp::json::Member member : doc.root().members()) {
        Str key;
        if (!member.key.get_string(arena, &key))
            return false;
        if (key == Str("response")) {
            ++responses;
            if (member.value.raw() != response)
                return false;
        } else {
            ++others;
            if (original.doc.root()[key].raw() != member.value.raw())
                return false;
        }
    }
    return responses >= 1 && others + (original.doc.root()["response"].exists() ? 1 : 0) >= original.doc.root().size();
}

const char* const pre_sign_up = R"({
  "version": "1",
  "triggerSource": "PreSignUp_SignUp",
  "region": "eu-west-1",
  "userPoolId": "eu-west-1_AbC",
  "userName": "ada",
  "callerContext": {"awsSdkVersion": "aws-sdk-js-3.0", "clientId": "client123"},
  "request": {
    "userAttributes": {"email": "ada\u0040example.com", "cognito:user_status": "UNCONFIRMED",
      "email_verified": "true", "phone_number_verified": false, "custom:tier": "gold", "name with space": "x"},
    "validationData": {"k1": "v1"},
    "clientMetadata": {"source.app": "web"}
  },
  "response": {"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}
})";

} // namespace

TEST(envelope_and_trigger)
{
    Parsed& p = parse(pre_sign_up);
    REQUIRE(p.doc.ok());
    CognitoEvent event = p.event();
    CHECK(event.matches());
    CHECK_EQ(event.trigger(), CognitoTrigger::pre_sign_up);
    CHECK_EQ(event.version(), Str("1"));
    CHECK_EQ(event.trigger_source(), Str("PreSignUp_SignUp"));
    CHECK_EQ(event.trigger_operation(), Str("SignUp"));
    CHECK_EQ(event.region(), Str("eu-west-1"));
    CHECK_EQ(event.user_pool_id(), Str("eu-west-1_AbC"));
    CHECK_EQ(event.user_name(), Str("ada"));
    CHECK_EQ(event.aws_sdk_version(), Str("aws-sdk-js-3.0"));
    CHECK_EQ(event.client_id(), Str("client123"));
    CHECK(!event.response().auto_confirm_user(true));
    CHECK(!event.response().auto_verify_email(true));
}

TEST(attributes_with_colons_escapes_and_flags)
{
    Parsed& p = parse(pre_sign_up);
    CognitoRequest request = p.event().request();
    CHECK_EQ(request.attribute("email"), Str("ada@example.com")); // \u0040 decoded
    CHECK_EQ(request.attribute("cognito:user_status"), Str("UNCONFIRMED"));
    CHECK_EQ(request.attribute("custom:tier"), Str("gold"));
    CHECK_EQ(request.attribute("name with space"), Str("x"));
    CHECK_EQ(request.user_attributes().get("email"), Str("ada@example.com"));
    CHECK_EQ(request.user_attributes().size(), size_t(6));
    CHECK(request.attribute_true("email_verified"));
    CHECK(!request.attribute_true("phone_number_verified")); // JSON false
    CHECK(!request.attribute_true("email"));
    CHECK(!request.attribute_true("absent"));
    CHECK(!request.attribute("phone_number_verified").ptr); // not a string
    CHECK(!request.attribute("absent").ptr);
    CHECK_EQ(request.validation_data().get("k1"), Str("v1"));
    CHECK_EQ(request.client_metadata().get("source.app"), Str("web"));
    size_t n = 0;
    for (StringMap::Entry entry : request.user_attributes())
        n += entry.key.len > 0;
    CHECK_EQ(n, size_t(6));

    Parsed& q = parse(R"({"triggerSource":"X","userPoolId":"u","request":{"userAttributes":{"a":true,"b":"TRUE"}}})");
    CHECK(q.event().request().attribute_true("a"));
    CHECK(!q.event().request().attribute_true("b")); // exactly "true"
}

TEST(trigger_names)
{
    struct Case {
        const char* source;
        CognitoTrigger trigger;
    } cases[] = {
        {"PreSignUp_SignUp", CognitoTrigger::pre_sign_up},
        {"PreSignUp_AdminCreateUser", CognitoTrigger::pre_sign_up},
        {"PreSignUp_ExternalProvider", CognitoTrigger::pre_sign_up},
        {"PostConfirmation_ConfirmForgotPassword", CognitoTrigger::post_confirmation},
        {"PreAuthentication_Authentication", CognitoTrigger::pre_authentication},
        {"PostAuthentication_Authentication", CognitoTrigger::post_authentication},
        {"DefineAuthChallenge_Authentication", CognitoTrigger::define_auth_challenge},
        {"CreateAuthChallenge_Authentication", CognitoTrigger::create_auth_challenge},
        {"VerifyAuthChallengeResponse_Authentication", CognitoTrigger::verify_auth_challenge_response},
        {"TokenGeneration_RefreshTokens", CognitoTrigger::pre_token_generation},
        {"PreTokenGen", CognitoTrigger::pre_token_generation},
        {"CustomMessage_AdminCreateUser", CognitoTrigger::custom_message},
        {"UserMigration_ForgotPassword", CognitoTrigger::user_migration},
        {"CustomSMSSender_SignUp", CognitoTrigger::custom_sms_sender},
        {"CustomEmailSender_ResendCode", CognitoTrigger::custom_email_sender},
        {"InboundFederation_ExternalProvider", CognitoTrigger::inbound_federation},
        {"PreSignUp", CognitoTrigger::pre_sign_up},
        {"PreSignUpX_SignUp", CognitoTrigger::unknown},
        {"presignup_SignUp", CognitoTrigger::unknown},
        {"Pre", CognitoTrigger::unknown},
        {"_SignUp", CognitoTrigger::unknown},
        {"", CognitoTrigger::unknown},
    };
    for (Case c : cases) {
        if (!CHECK_EQ(cognito_trigger(Str::from_cstr(c.source)), c.trigger))
            fprintf(stderr, "    %s\n", c.source);
    }
    CHECK_EQ(cognito_trigger(Str()), CognitoTrigger::unknown);
    Parsed& p = parse(R"({"triggerSource":"PreTokenGen","userPoolId":"u","request":{}})");
    CHECK_EQ(p.event().trigger_operation(), Str(""));
}

TEST(custom_auth_session)
{
    Parsed& p = parse(R"({"version":"1","triggerSource":"DefineAuthChallenge_Authentication","userPoolId":"u",
        "request":{"userAttributes":{},"session":[
          {"challengeName":"SRP_A","challengeResult":true},
          {"challengeName":"CUSTOM_CHALLENGE","challengeResult":false,"challengeMetadata":"CAPTCHA"}],
        "userNotFound":true},
        "response":{"challengeName":null,"issueTokens":null,"failAuthentication":null}})");
    CognitoEvent event = p.event();
    CHECK_EQ(event.trigger(), CognitoTrigger::define_auth_challenge);
    CognitoRequest request = event.request();
    CHECK(request.user_not_found());
    CHECK_EQ(request.session().size(), size_t(2));
    CHECK_EQ(request.session()[0].challenge_name(), Str("SRP_A"));
    CHECK(request.session()[0].challenge_result());
    CHECK(!request.session()[0].challenge_metadata().ptr);
    CHECK(!request.session()[1].challenge_result(true));
    CHECK_EQ(request.session()[1].challenge_metadata(), Str("CAPTCHA"));
    size_t n = 0;
    for (CognitoChallengeResult step : request.session())
        n += step.challenge_name().len > 0;
    CHECK_EQ(n, size_t(2));
    // Nulls read as absent: the fallback.
    CHECK(!event.response().challenge_name().ptr);
    CHECK(event.response().issue_tokens(true));
    CHECK(!event.response().fail_authentication(false));
}

TEST(token_generation_groups_and_claims)
{
    Parsed& p = parse(R"({"version":"2","triggerSource":"TokenGeneration_Authentication","userPoolId":"u",
        "request":{"groupConfiguration":{"groupsToOverride":["a","b"],"iamRolesToOverride":[],"preferredRole":null},
          "scopes":["openid","email"]},
        "response":{"claimsAndScopeOverrideDetails":{"accessTokenGeneration":{"claimsToAddOrOverride":{"n":2,"s":"x"},
          "scopesToAdd":["s1"]},"groupOverrideDetails":{"preferredRole":"arn:aws:iam::1:role/r"}}}})");
    CognitoEvent event = p.event();
    CognitoGroups groups = event.request().group_configuration();
    CHECK_EQ(groups.groups_to_override().size(), size_t(2));
    CHECK_EQ(Str(groups.groups_to_override()[1]), Str("b"));
    CHECK(groups.iam_roles_to_override().empty());
    CHECK(!groups.preferred_role().ptr);
    Str scopes[2];
    size_t n = 0;
    for (Str scope : event.request().scopes())
        scopes[n++] = scope;
    CHECK_EQ(n, size_t(2));
    CHECK_EQ(scopes[0], Str("openid"));
    CHECK_EQ(scopes[1], Str("email"));
    CognitoClaims access = event.response().claims_and_scope_override_details().access_token_generation();
    CHECK_EQ(access.claims_to_add_or_override().get("s"), Str("x"));
    CHECK(!access.claims_to_add_or_override().get("n").ptr);
    CHECK_EQ(access.claims_to_add_or_override().json()["n"].raw(), Str("2"));
    CHECK_EQ(access.scopes_to_add()[0].text(), Str("s1"));
    CHECK(access.claims_to_suppress().empty());
    CHECK_EQ(event.response().claims_and_scope_override_details().group_override_details().preferred_role(),
        Str("arn:aws:iam::1:role/r"));
    CHECK(!event.response().claims_override_details().exists());
}

TEST(missing_fields_and_wrong_types)
{
    Parsed& p = parse(R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"u","request":{}})");
    CognitoEvent event = p.event();
    CHECK(event.matches());
    CHECK(!event.version().ptr);
    CHECK(!event.aws_sdk_version().ptr);
    CHECK(!event.client_id().ptr);
    CHECK(!event.request().attribute("email").ptr);
    CHECK_EQ(event.request().user_attributes().size(), size_t(0));
    CHECK(event.request().session().empty());
    CHECK(!event.response().exists());
    CHECK(!event.response().auto_confirm_user());

    const char* not_cognito[] = {
        R"({"userPoolId":"u","request":{}})",
        R"({"triggerSource":1,"userPoolId":"u","request":{}})",
        R"({"triggerSource":"PreSignUp_SignUp","request":{}})",
        R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"u"})",
        R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"u","request":[]})",
        R"(["PreSignUp_SignUp"])",
        R"({"source":"aws.events","detail-type":"Scheduled Event","detail":{}})",
        R"("text")",
    };
    for (const char* text : not_cognito) {
        Parsed& q = parse(text);
        CHECK(q.doc.ok());
        if (!CHECK(!q.event().matches()))
            fprintf(stderr, "    %s\n", text);
    }
    Parsed& q = parse(R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"u","callerContext":"c",
        "request":{"userAttributes":["email"],"session":{"challengeName":"x"}}})");
    CHECK(!q.event().client_id().ptr);
    CHECK(!q.event().request().attribute("email").ptr);
    CHECK(q.event().request().session().empty());
}

TEST(malformed_events)
{
    const char* bad[] = {
        R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"u","request":{})",
        R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"u","request":)",
        R"({"triggerSource":"PreSignUp_SignUp",,"userPoolId":"u","request":{}})",
        "",
        "nul",
    };
    for (const char* text : bad) {
        Parsed& p = parse(text);
        CHECK(!p.doc.ok());
        CHECK(!p.event().matches());
        CHECK(!p.event().trigger_source().ptr);
        Builder out(g_out, sizeof g_out);
        Outcome outcome = respond(p.event(), out, "{}");
        CHECK_EQ(outcome.status, Status::failure);
        CHECK_EQ(outcome.type, Str("Function.InvalidInput"));
        Builder out2(g_out, sizeof g_out);
        CognitoReply reply(p.event(), out2);
        outcome = reply.auto_confirm_user(true).finish();
        CHECK_EQ(outcome.status, Status::failure);
        CHECK_EQ(outcome.type, Str("Function.InvalidInput"));
    }
}

TEST(respond_replaces_the_response_last)
{
    Outcome outcome = respond_to(R"({"a":1,"response":{"x":false}})", R"({"autoConfirmUser":true})");
    CHECK_EQ(outcome.status, Status::success);
    CHECK_EQ(outcome.type, Str("application/json"));
    CHECK_EQ(outcome.text, Str(R"({"a":1,"response":{"autoConfirmUser":true}})"));
    CHECK_EQ(outcome.text.ptr, g_out);
}

TEST(respond_replaces_the_response_not_last)
{
    Outcome outcome = respond_to(R"({"response":{},"b":[1,{"response":2}],"c":"response"})", R"({"k":"v"})");
    CHECK_EQ(outcome.text, Str(R"({"response":{"k":"v"},"b":[1,{"response":2}],"c":"response"})"));
}

TEST(respond_keeps_whitespace_around)
{
    const char* text = "\n {\n  \"a\" : \"b\" ,\n  \"response\" :\t{ \"old\" : true }\r\n , \"z\":null\n}\n ";
    Outcome outcome = respond_to(text, "{\"new\":1}");
    CHECK_EQ(outcome.text, Str("{\n  \"a\" : \"b\" ,\n  \"response\" :\t{\"new\":1}\r\n , \"z\":null\n}"));
    CHECK(reparses_with(outcome.text, text, "{\"new\":1}"));
}

TEST(respond_adds_a_missing_response)
{
    CHECK_EQ(respond_to(R"({"a":1})", "{}").text, Str(R"({"a":1,"response":{}})"));
    CHECK_EQ(respond_to("{ \"a\" : [] \n}", "{\"x\":1}").text, Str("{ \"a\" : [] \n,\"response\":{\"x\":1}}"));
    CHECK_EQ(respond_to("{}", "{}").text, Str(R"({"response":{}})"));
    CHECK_EQ(respond_to("{ }", "{}").text, Str(R"({ "response":{}})"));
}

TEST(respond_replaces_any_type_of_response)
{
    CHECK_EQ(respond_to(R"({"response":null,"a":1})", "{}").text, Str(R"({"response":{},"a":1})"));
    CHECK_EQ(respond_to(R"({"response":"text","a":1})", "{}").text, Str(R"({"response":{},"a":1})"));
    CHECK_EQ(respond_to(R"({"response":"with \"quotes\"","a":1})", "{}").text, Str(R"({"response":{},"a":1})"));
    CHECK_EQ(respond_to(R"({"response":[1,2],"a":1})", "{}").text, Str(R"({"response":{},"a":1})"));
    CHECK_EQ(respond_to(R"({"response":-1.5e3})", "{}").text, Str(R"({"response":{}})"));
    CHECK_EQ(respond_to(R"({"response":""})", "{}").text, Str(R"({"response":{}})"));
}

TEST(respond_with_escaped_and_duplicate_keys)
{
    // The key as JSON reads it: "respons\u0065" is "response".
    CHECK_EQ(respond_to(R"({"respons\u0065":{"a":1},"b":2})", "{}").text, Str(R"({"respons\u0065":{},"b":2})"));
    // "response " and "Response" are other keys: a response member is added.
    CHECK_EQ(
        respond_to(R"({"Response":1,"response ":2})", "{}").text, Str(R"({"Response":1,"response ":2,"response":{}})"));
    // Duplicates all get the new value, whichever one a reader keeps.
    const char* text = R"({"response":1,"a":"x","response":{"b":[]},"c":3,"response":"s"})";
    Outcome outcome = respond_to(text, R"({"n":true})");
    CHECK_EQ(outcome.text, Str(R"({"response":{"n":true},"a":"x","response":{"n":true},"c":3,"response":{"n":true}})"));
}

TEST(respond_with_empty_response_json_answers_an_empty_object)
{
    CHECK_EQ(respond_to(R"({"response":{"a":1}})", "").text, Str(R"({"response":{}})"));
}

TEST(respond_overflow_and_non_objects)
{
    Outcome outcome = respond_to(pre_sign_up, "{}", 64);
    CHECK_EQ(outcome.status, Status::failure);
    CHECK_EQ(outcome.type, Str("Function.ResponseTooLarge"));
    const char* not_objects[] = {"[1,2]", "\"response\"", "null", "3"};
    for (const char* text : not_objects) {
        outcome = respond_to(text, "{}");
        CHECK_EQ(outcome.status, Status::failure);
        CHECK_EQ(outcome.type, Str("Function.InvalidInput"));
    }
}

TEST(reply_writes_members_in_order)
{
    Parsed& p = parse(pre_sign_up);
    Builder out(g_out, sizeof g_out);
    CognitoReply reply(p.event(), out);
    Outcome outcome = reply.auto_confirm_user(true).auto_verify_email(false).auto_verify_phone(true).finish();
    CHECK_EQ(outcome.status, Status::success);
    Str expected = R"({"autoConfirmUser":true,"autoVerifyEmail":false,"autoVerifyPhone":true})";
    CHECK(reparses_with(outcome.text, pre_sign_up, expected));
    Arena arena(g_memory + (1 << 19), 1 << 19);
    Document doc = Document::parse(outcome.text, arena);
    REQUIRE(doc.ok());
    CHECK_EQ(doc.root()["response"].raw(), expected);
    CHECK_EQ(doc.root()["request"]["userAttributes"]["custom:tier"].raw(), Str("gold"));
}

TEST(reply_escapes_strings_and_takes_raw_json)
{
    Parsed& p = parse(R"({"triggerSource":"CreateAuthChallenge_Authentication","userPoolId":"u","request":{}})");
    Builder out(g_out, sizeof g_out);
    CognitoReply reply(p.event(), out);
    reply.public_challenge_parameters(R"({"q":"2+2?"})")
        .private_challenge_parameters(R"({"answer":"4"})")
        .challenge_metadata("say \"hi\"\n")
        .raw("empty", Str())
        .string("absent", Str());
    Outcome outcome = reply.finish();
    CHECK_EQ(outcome.text,
        Str(R"({"triggerSource":"CreateAuthChallenge_Authentication","userPoolId":"u","request":{},"response":)"
            R"({"publicChallengeParameters":{"q":"2+2?"},"privateChallengeParameters":{"answer":"4"},)"
            R"("challengeMetadata":"say \"hi\"\u000a","empty":null,"absent":""}})"));
}

TEST(reply_with_no_members_answers_an_empty_object)
{
    Parsed& p = parse(R"({"response":{"answerCorrect":null},"x":1})");
    Builder out(g_out, sizeof g_out);
    CognitoReply reply(p.event(), out);
    CHECK_EQ(reply.finish().text, Str(R"({"response":{},"x":1})"));
}

TEST(reply_for_each_documented_setter)
{
    Parsed& p = parse(R"({"response":null})");
    Builder out(g_out, sizeof g_out);
    CognitoReply reply(p.event(), out);
    reply.challenge_name("CUSTOM_CHALLENGE").issue_tokens(false).fail_authentication(true).answer_correct(true);
    reply.sms_message("code {####}").email_message("<b>{####}</b>").email_subject("Welcome");
    reply.user_attributes(R"({"email":"a@b.c"})").final_user_status("CONFIRMED").message_action("SUPPRESS");
    Outcome outcome = reply.finish();
    CHECK_EQ(outcome.text,
        Str(R"({"response":{"challengeName":"CUSTOM_CHALLENGE","issueTokens":false,"failAuthentication":true,)"
            R"("answerCorrect":true,"smsMessage":"code {####}","emailMessage":"<b>{####}</b>",)"
            R"("emailSubject":"Welcome","userAttributes":{"email":"a@b.c"},"finalUserStatus":"CONFIRMED",)"
            R"("messageAction":"SUPPRESS"}})"));
}

TEST(reply_overflow)
{
    Parsed& p = parse(pre_sign_up);
    Builder out(g_out, 200);
    CognitoReply reply(p.event(), out);
    CHECK_EQ(reply.auto_confirm_user(true).finish().type, Str("Function.ResponseTooLarge"));
}

TEST(every_sample_matches_and_answers)
{
    const char* dir = getenv("WISP_EVENTS_DIR");
    REQUIRE(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/INDEX.tsv", dir);
    FILE* index = fopen(path, "r");
    REQUIRE(index);
    static char line[8192], text[1 << 16];
    size_t samples = 0;
    while (fgets(line, sizeof line, index)) {
        char* fields[4] = {line};
        for (int i = 1; i < 4 && fields[i - 1]; ++i) {
            char* tab = strchr(fields[i - 1], '\t');
            fields[i] = tab ? (*tab = 0, tab + 1) : nullptr;
        }
        if (!fields[3] || strncmp(fields[3], "cognito-userpool-trigger (", 26) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, fields[0]);
        FILE* f = fopen(path, "rb");
        REQUIRE(f);
        size_t len = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[len] = 0;
        Parsed& p = parse(text);
        REQUIRE(p.doc.ok());
        CognitoEvent event = p.event();
        bool ok = CHECK(event.matches());
        ok = CHECK(event.trigger() != CognitoTrigger::unknown) && ok;
        // The trigger's name is the INDEX type's, up to '_'.
        Str source = event.trigger_source();
        ok = CHECK(strncmp(fields[3] + 26, source.ptr, source.len) == 0) && ok;
        Builder out(g_out, sizeof g_out);
        Outcome outcome = respond(event, out, R"({"sample":true})");
        ok = CHECK_EQ(outcome.status, Status::success) && ok;
        ok = CHECK(reparses_with(outcome.text, text, R"({"sample":true})")) && ok;
        if (!ok)
            fprintf(stderr, "    %s\n", fields[0]);
        ++samples;
    }
    fclose(index);
    CHECK_EQ(samples, size_t(44));
}
