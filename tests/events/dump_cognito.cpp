// Cognito user pool triggers through CognitoEvent: the envelope, every
// request and response member of every trigger, maps through StringMap and
// arrays through List. Empty and null objects are compared whole.
#include "dump.h"

#include <wisp/events/cognito.h>

namespace {

using dump::Path;
using wisp::Str;
using wisp::events::View;
using namespace wisp::events;

// An object that is empty or null counts as read when compared whole.
void whole_if_empty(const Path& path, const View& view)
{
    wisp::json::Value value = view.json();
    if (value.is_null() || ((value.type() == wisp::json::Type::object) && value.size() == 0))
        dump::json(path, value);
}

// A boolean read with both fallbacks: the same answer means it is present.
template <class Get>
void flag(const Path& path, Get get)
{
    bool if_absent_false = get(false);
    dump::boolean(path, if_absent_false == get(true), if_absent_false);
}

// A map of strings; values of other types (claims in token generation v2,
// booleans in some test events) are compared as JSON.
void map(const Path& path, const StringMap& map)
{
    size_t n = 0;
    for (StringMap::Entry entry : map) {
        if (entry.value.ptr)
            dump::string(path.key(entry.key), entry.value);
        else
            dump::json(path.key(entry.key), map.json()[entry.key]);
        ++n;
    }
    dump::length(path, n);
    whole_if_empty(path, map);
}

void strings(const Path& path, const CognitoStrings& list, const View& parent, Str key)
{
    size_t i = 0;
    for (Str value : list)
        dump::string(path.index(i++), value);
    dump::length(path, list.size());
    if (i == 0) // [] (or null) compared whole
        dump::json(path, parent.json()[key]);
}

void groups(const Path& path, const CognitoGroups& groups)
{
    strings(path.key("groupsToOverride"), groups.groups_to_override(), groups, "groupsToOverride");
    strings(path.key("iamRolesToOverride"), groups.iam_roles_to_override(), groups, "iamRolesToOverride");
    dump::string(path.key("preferredRole"), groups.preferred_role());
    whole_if_empty(path, groups);
}

void claims(const Path& path, const CognitoClaims& claims)
{
    map(path.key("claimsToAddOrOverride"), claims.claims_to_add_or_override());
    strings(path.key("claimsToSuppress"), claims.claims_to_suppress(), claims, "claimsToSuppress");
    strings(path.key("scopesToAdd"), claims.scopes_to_add(), claims, "scopesToAdd");
    strings(path.key("scopesToSuppress"), claims.scopes_to_suppress(), claims, "scopesToSuppress");
    groups(path.key("groupOverrideDetails"), claims.group_override_details());
    whole_if_empty(path, claims);
}

void request(const Path& path, const CognitoRequest& request)
{
    map(path.key("userAttributes"), request.user_attributes());
    map(path.key("validationData"), request.validation_data());
    map(path.key("clientMetadata"), request.client_metadata());
    flag(path.key("userNotFound"), [&](bool fallback) { return request.user_not_found(fallback); });
    flag(path.key("newDeviceUsed"), [&](bool fallback) { return request.new_device_used(fallback); });

    size_t i = 0;
    for (CognitoChallengeResult step : request.session()) {
        Path at = path.key("session").index(i++);
        dump::string(at.key("challengeName"), step.challenge_name());
        flag(at.key("challengeResult"), [&](bool fallback) { return step.challenge_result(fallback); });
        dump::string(at.key("challengeMetadata"), step.challenge_metadata());
    }
    dump::length(path.key("session"), request.session().size());
    dump::string(path.key("challengeName"), request.challenge_name());
    map(path.key("privateChallengeParameters"), request.private_challenge_parameters());
    dump::string(path.key("challengeAnswer"), request.challenge_answer());

    dump::string(path.key("codeParameter"), request.code_parameter());
    dump::string(path.key("linkParameter"), request.link_parameter());
    dump::string(path.key("usernameParameter"), request.username_parameter());
    dump::string(path.key("userName"), request.user_name());
    dump::string(path.key("password"), request.password());

    groups(path.key("groupConfiguration"), request.group_configuration());
    strings(path.key("scopes"), request.scopes(), request, "scopes");

    dump::string(path.key("providerName"), request.provider_name());
    dump::string(path.key("providerType"), request.provider_type());
    Path attributes = path.key("attributes");
    map(attributes.key("tokenResponse"), request.token_response());
    map(attributes.key("idToken"), request.id_token());
    map(attributes.key("userInfo"), request.user_info());
    map(attributes.key("samlResponse"), request.saml_response());

    dump::string(path.key("type"), request.type());
    dump::string(path.key("code"), request.code());
    whole_if_empty(path, request);
}

void response(const Path& path, const CognitoResponse& response)
{
    flag(path.key("autoConfirmUser"), [&](bool fallback) { return response.auto_confirm_user(fallback); });
    flag(path.key("autoVerifyEmail"), [&](bool fallback) { return response.auto_verify_email(fallback); });
    flag(path.key("autoVerifyPhone"), [&](bool fallback) { return response.auto_verify_phone(fallback); });

    dump::string(path.key("challengeName"), response.challenge_name());
    flag(path.key("issueTokens"), [&](bool fallback) { return response.issue_tokens(fallback); });
    flag(path.key("failAuthentication"), [&](bool fallback) { return response.fail_authentication(fallback); });
    map(path.key("publicChallengeParameters"), response.public_challenge_parameters());
    map(path.key("privateChallengeParameters"), response.private_challenge_parameters());
    dump::string(path.key("challengeMetadata"), response.challenge_metadata());
    flag(path.key("answerCorrect"), [&](bool fallback) { return response.answer_correct(fallback); });

    dump::string(path.key("smsMessage"), response.sms_message());
    dump::string(path.key("emailMessage"), response.email_message());
    dump::string(path.key("emailSubject"), response.email_subject());

    map(path.key("userAttributes"), response.user_attributes());
    dump::string(path.key("finalUserStatus"), response.final_user_status());
    dump::string(path.key("messageAction"), response.message_action());
    strings(
        path.key("desiredDeliveryMediums"), response.desired_delivery_mediums(), response, "desiredDeliveryMediums");
    flag(path.key("forceAliasCreation"), [&](bool fallback) { return response.force_alias_creation(fallback); });
    flag(path.key("enableSMSMFA"), [&](bool fallback) { return response.enable_sms_mfa(fallback); });
    map(path.key("userAttributesToMap"), response.user_attributes_to_map());

    claims(path.key("claimsOverrideDetails"), response.claims_override_details());
    CognitoTokenOverrides overrides = response.claims_and_scope_override_details();
    Path at = path.key("claimsAndScopeOverrideDetails");
    claims(at.key("idTokenGeneration"), overrides.id_token_generation());
    claims(at.key("accessTokenGeneration"), overrides.access_token_generation());
    groups(at.key("groupOverrideDetails"), overrides.group_override_details());
    whole_if_empty(at, overrides);
    whole_if_empty(path, response);
}

bool dump_cognito(wisp::json::Value root, wisp::Arena& arena)
{
    CognitoEvent event(root, arena);
    if (!event.matches() || event.trigger() == CognitoTrigger::unknown)
        return false;
    Path path = dump::root();
    dump::string(path.key("version"), event.version());
    dump::string(path.key("triggerSource"), event.trigger_source());
    dump::string(path.key("region"), event.region());
    dump::string(path.key("userPoolId"), event.user_pool_id());
    dump::string(path.key("userName"), event.user_name());
    dump::string(path.key("callerContext").key("awsSdkVersion"), event.aws_sdk_version());
    dump::string(path.key("callerContext").key("clientId"), event.client_id());
    request(path.key("request"), event.request());
    response(path.key("response"), event.response());
    return true;
}

const char* const types[] = {
    "cognito-userpool-trigger (CreateAuthChallenge_Authentication)",
    "cognito-userpool-trigger (CustomMessage_SignUp)",
    "cognito-userpool-trigger (CustomMessage_SignUp/CustomMessage_ResendCode/CustomMessage_ForgotPassword/"
    "CustomMessage_VerifyUserAttribute)",
    "cognito-userpool-trigger (CustomMessage_VerifyUserAttribute)",
    "cognito-userpool-trigger (DefineAuthChallenge_Authentication)",
    "cognito-userpool-trigger (InboundFederation_ExternalProvider)",
    "cognito-userpool-trigger (PostAuthentication_Authentication)",
    "cognito-userpool-trigger (PostConfirmation_ConfirmSignUp)",
    "cognito-userpool-trigger (PreAuthentication_Authentication)",
    "cognito-userpool-trigger (PreSignUp_SignUp)",
    "cognito-userpool-trigger (PreTokenGen)",
    "cognito-userpool-trigger (TokenGeneration_Authentication)",
    "cognito-userpool-trigger (TokenGeneration_HostedAuth)",
    "cognito-userpool-trigger (UserMigration_Authentication)",
    "cognito-userpool-trigger (VerifyAuthChallengeResponse_Authentication)",
    nullptr,
};
dump::Register registered("cognito", types, dump_cognito);

} // namespace
