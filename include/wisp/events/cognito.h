// Amazon Cognito user pool triggers: sign-up, confirmation, authentication,
// the custom challenge flow, token generation, custom messages, user
// migration, custom senders and inbound federation. Each invocation carries
// the same envelope (version, triggerSource, region, userPoolId, userName,
// callerContext) with the trigger's own `request` and `response` objects.
//
// Cognito reads the answer from the event itself: the handler returns the
// event it got, with `response` filled in. CognitoReply writes exactly that
// into the response buffer, copying the event's text around the new response
// without parsing it again:
//
//   json::Document doc = json::Document::parse(invocation.body, arena);
//   events::CognitoEvent event(doc.root(), arena);
//   if (!event.matches() || event.trigger() != events::CognitoTrigger::pre_sign_up)
//       return failure("Function.WrongEventSource", "not a Cognito PreSignUp trigger");
//   Str email = event.request().attribute("email");
//   events::CognitoReply reply(event, out);
//   return reply.auto_confirm_user(trusted(email)).auto_verify_email(trusted(email)).finish();
//
// Keys with colons (`cognito:user_status`, `custom:tier`) are looked up as
// written. Absent strings read as Str{}; booleans take a fallback.
#pragma once

#include <wisp/builder.h>
#include <wisp/events/view.h>
#include <wisp/handler.h>

namespace wisp::events {

// What triggered the function: triggerSource up to its first '_'.
enum class CognitoTrigger : unsigned char {
    unknown,
    pre_sign_up,                    // PreSignUp_SignUp, _AdminCreateUser, _ExternalProvider
    post_confirmation,              // PostConfirmation_ConfirmSignUp, _ConfirmForgotPassword
    pre_authentication,             // PreAuthentication_Authentication
    post_authentication,            // PostAuthentication_Authentication
    define_auth_challenge,          // DefineAuthChallenge_Authentication
    create_auth_challenge,          // CreateAuthChallenge_Authentication
    verify_auth_challenge_response, // VerifyAuthChallengeResponse_Authentication
    pre_token_generation,           // TokenGeneration_HostedAuth, _Authentication, _RefreshTokens, ...
    custom_message,                 // CustomMessage_SignUp, _ResendCode, _ForgotPassword, ...
    user_migration,                 // UserMigration_Authentication, _ForgotPassword
    custom_sms_sender,              // CustomSMSSender_SignUp, ...
    custom_email_sender,            // CustomEmailSender_SignUp, ...
    inbound_federation,             // InboundFederation_ExternalProvider
};

CognitoTrigger cognito_trigger(Str trigger_source);

// An element of an array of strings (groups, roles, scopes, claims, delivery
// mediums). Converts to Str: `for (Str group : groups.groups_to_override())`.
using CognitoString = StringElement;
using CognitoStrings = List<CognitoString>;

// One step of a custom authentication flow so far (request.session[i]).
class CognitoChallengeResult : public View {
public:
    using View::View;
    Str challenge_name() const { return string("challengeName"); } // "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE", ...
    bool challenge_result(bool fallback = false) const { return boolean("challengeResult", fallback); }
    Str challenge_metadata() const { return string("challengeMetadata"); }
};

// request.groupConfiguration, and groupOverrideDetails in a token response.
class CognitoGroups : public View {
public:
    using View::View;
    explicit CognitoGroups(View view) : View(view) { }
    CognitoStrings groups_to_override() const { return CognitoStrings(child("groupsToOverride")); }
    CognitoStrings iam_roles_to_override() const { return CognitoStrings(child("iamRolesToOverride")); }
    Str preferred_role() const { return string("preferredRole"); } // absent or null: Str{}
};

// The request: which members are present depends on the trigger (noted on
// each accessor).
class CognitoRequest : public View {
public:
    using View::View;
    explicit CognitoRequest(View view) : View(view) { }

    // Every trigger but user migration: "sub", "email", "email_verified",
    // "cognito:user_status", "custom:...". Values are strings.
    StringMap user_attributes() const { return child("userAttributes"); }
    Str attribute(Str name) const { return child("userAttributes").string(name); }
    // True when the attribute is "true" (or, in some test events, JSON true):
    // email_verified, phone_number_verified.
    bool attribute_true(Str name) const;
    StringMap validation_data() const { return child("validationData"); } // pre sign-up, pre authentication, migration
    StringMap client_metadata() const { return child("clientMetadata"); } // from the app's API call
    // Pre authentication and the challenge triggers, when the pool's "prevent
    // user existence errors" is on: the user does not exist.
    bool user_not_found(bool fallback = false) const { return boolean("userNotFound", fallback); }
    bool new_device_used(bool fallback = false) const { return boolean("newDeviceUsed", fallback); } // post auth

    // Define, create and verify auth challenge.
    List<CognitoChallengeResult> session() const { return List<CognitoChallengeResult>(child("session")); }
    Str challenge_name() const { return string("challengeName"); } // create: the challenge to create
    StringMap private_challenge_parameters() const { return child("privateChallengeParameters"); } // verify
    Str challenge_answer() const { return string("challengeAnswer"); }                             // verify

    // Custom message: placeholders to put in the message text.
    Str code_parameter() const { return string("codeParameter"); }
    Str link_parameter() const { return string("linkParameter"); }
    Str username_parameter() const { return string("usernameParameter"); }

    // User migration: the credentials the user signed in with.
    Str user_name() const { return string("userName"); }
    Str password() const { return string("password"); }

    // Token generation.
    CognitoGroups group_configuration() const { return CognitoGroups(child("groupConfiguration")); }
    CognitoStrings scopes() const { return CognitoStrings(child("scopes")); } // version 2 and 3

    // Inbound federation: the identity provider and what it said.
    Str provider_name() const { return string("providerName"); }
    Str provider_type() const { return string("providerType"); }                            // "OIDC", "SAML", ...
    StringMap token_response() const { return child("attributes").child("tokenResponse"); } // OIDC
    StringMap id_token() const { return child("attributes").child("idToken"); }             // OIDC
    StringMap user_info() const { return child("attributes").child("userInfo"); }           // OIDC
    StringMap saml_response() const { return child("attributes").child("samlResponse"); }   // SAML

    // Custom SMS and email senders: "customSMSSenderRequestV1", and the
    // code, encrypted with the pool's KMS key (base64).
    Str type() const { return string("type"); }
    Str code() const { return string("code"); }
};

// Claims (and, from token generation version 2, scopes) to change in one
// token: claimsOverrideDetails in version 1, idTokenGeneration and
// accessTokenGeneration in version 2. Claim values may be any JSON in
// version 2: the map reads strings, json() the rest.
class CognitoClaims : public View {
public:
    using View::View;
    explicit CognitoClaims(View view) : View(view) { }
    StringMap claims_to_add_or_override() const { return child("claimsToAddOrOverride"); }
    CognitoStrings claims_to_suppress() const { return CognitoStrings(child("claimsToSuppress")); }
    CognitoStrings scopes_to_add() const { return CognitoStrings(child("scopesToAdd")); }
    CognitoStrings scopes_to_suppress() const { return CognitoStrings(child("scopesToSuppress")); }
    CognitoGroups group_override_details() const { return CognitoGroups(child("groupOverrideDetails")); } // version 1
};

// response.claimsAndScopeOverrideDetails (token generation version 2).
class CognitoTokenOverrides : public View {
public:
    using View::View;
    explicit CognitoTokenOverrides(View view) : View(view) { }
    CognitoClaims id_token_generation() const { return CognitoClaims(child("idTokenGeneration")); }
    CognitoClaims access_token_generation() const { return CognitoClaims(child("accessTokenGeneration")); }
    CognitoGroups group_override_details() const { return CognitoGroups(child("groupOverrideDetails")); }
};

// The response as it arrives: Cognito sends the members empty or null (or
// leaves `response` out); test events often have them set.
class CognitoResponse : public View {
public:
    using View::View;
    explicit CognitoResponse(View view) : View(view) { }

    // Pre sign-up.
    bool auto_confirm_user(bool fallback = false) const { return boolean("autoConfirmUser", fallback); }
    bool auto_verify_email(bool fallback = false) const { return boolean("autoVerifyEmail", fallback); }
    bool auto_verify_phone(bool fallback = false) const { return boolean("autoVerifyPhone", fallback); }
    // Define auth challenge.
    Str challenge_name() const { return string("challengeName"); }
    bool issue_tokens(bool fallback = false) const { return boolean("issueTokens", fallback); }
    bool fail_authentication(bool fallback = false) const { return boolean("failAuthentication", fallback); }
    // Create auth challenge.
    StringMap public_challenge_parameters() const { return child("publicChallengeParameters"); }
    StringMap private_challenge_parameters() const { return child("privateChallengeParameters"); }
    Str challenge_metadata() const { return string("challengeMetadata"); }
    // Verify auth challenge response.
    bool answer_correct(bool fallback = false) const { return boolean("answerCorrect", fallback); }
    // Custom message.
    Str sms_message() const { return string("smsMessage"); }
    Str email_message() const { return string("emailMessage"); }
    Str email_subject() const { return string("emailSubject"); }
    // User migration.
    StringMap user_attributes() const { return child("userAttributes"); }
    Str final_user_status() const { return string("finalUserStatus"); } // "CONFIRMED", "RESET_REQUIRED"
    Str message_action() const { return string("messageAction"); }      // "SUPPRESS", "RESEND"
    CognitoStrings desired_delivery_mediums() const { return CognitoStrings(child("desiredDeliveryMediums")); }
    bool force_alias_creation(bool fallback = false) const { return boolean("forceAliasCreation", fallback); }
    bool enable_sms_mfa(bool fallback = false) const { return boolean("enableSMSMFA", fallback); }
    // Inbound federation.
    StringMap user_attributes_to_map() const { return child("userAttributesToMap"); }
    // Token generation, version 1 and version 2.
    CognitoClaims claims_override_details() const { return CognitoClaims(child("claimsOverrideDetails")); }
    CognitoTokenOverrides claims_and_scope_override_details() const
    {
        return CognitoTokenOverrides(child("claimsAndScopeOverrideDetails"));
    }
};

class CognitoEvent : public View {
public:
    using View::View;

    // The shape every trigger has: triggerSource and userPoolId strings and
    // a request object.
    bool matches() const;
    CognitoTrigger trigger() const { return cognito_trigger(trigger_source()); }

    Str version() const { return string("version"); }              // "1"; "2" or "3" for token generation v2, v3
    Str trigger_source() const { return string("triggerSource"); } // "PreSignUp_SignUp"
    // triggerSource after its first '_': "SignUp", "AdminCreateUser", ...
    Str trigger_operation() const
    {
        Str source = trigger_source();
        return source.sub(source.find('_') + 1);
    }
    Str region() const { return string("region"); }
    Str user_pool_id() const { return string("userPoolId"); }
    Str user_name() const { return string("userName"); }
    Str aws_sdk_version() const { return child("callerContext").string("awsSdkVersion"); }
    Str client_id() const { return child("callerContext").string("clientId"); } // the app client
    CognitoRequest request() const { return CognitoRequest(child("request")); }
    CognitoResponse response() const { return CognitoResponse(child("response")); }
};

// The answer to a trigger: the event as it came, with the value of its
// `response` member replaced by the members given here (a `response` member
// is added at the end when the event has none). Writes into out, which
// must be empty; the event's text is copied around the response, never
// parsed again.
//
//   events::CognitoReply reply(event, out);
//   reply.issue_tokens(true).fail_authentication(false);
//   return reply.finish();
//
// A reply with no members answers "response":{}, which every trigger takes
// as "carry on as usual". The named setters are the documented response
// members of each trigger; boolean(), string() and raw() write any other
// (raw() takes JSON text as is: an object, an array, a number).
class CognitoReply {
public:
    CognitoReply(const CognitoEvent& event, Builder& out);

    CognitoReply& boolean(Str name, bool value);
    CognitoReply& string(Str name, Str value); // written as a JSON string, escaped
    CognitoReply& raw(Str name, Str json);     // empty json writes null

    // Pre sign-up.
    CognitoReply& auto_confirm_user(bool value) { return boolean("autoConfirmUser", value); }
    CognitoReply& auto_verify_email(bool value) { return boolean("autoVerifyEmail", value); }
    CognitoReply& auto_verify_phone(bool value) { return boolean("autoVerifyPhone", value); }
    // Define auth challenge: the next challenge, or tokens, or failure.
    CognitoReply& challenge_name(Str value) { return string("challengeName", value); }
    CognitoReply& issue_tokens(bool value) { return boolean("issueTokens", value); }
    CognitoReply& fail_authentication(bool value) { return boolean("failAuthentication", value); }
    // Create auth challenge: the parameters are JSON objects of strings.
    CognitoReply& public_challenge_parameters(Str json) { return raw("publicChallengeParameters", json); }
    CognitoReply& private_challenge_parameters(Str json) { return raw("privateChallengeParameters", json); }
    CognitoReply& challenge_metadata(Str value) { return string("challengeMetadata", value); }
    // Verify auth challenge response.
    CognitoReply& answer_correct(bool value) { return boolean("answerCorrect", value); }
    // Custom message: the texts must contain the request's code parameter.
    CognitoReply& sms_message(Str value) { return string("smsMessage", value); }
    CognitoReply& email_message(Str value) { return string("emailMessage", value); }
    CognitoReply& email_subject(Str value) { return string("emailSubject", value); }
    // User migration.
    CognitoReply& user_attributes(Str json) { return raw("userAttributes", json); }
    CognitoReply& final_user_status(Str value) { return string("finalUserStatus", value); }
    CognitoReply& message_action(Str value) { return string("messageAction", value); }

    // Closes the response and writes the rest of the event: success with
    // the whole document, Function.InvalidInput when the event is not a JSON
    // object, Function.ResponseTooLarge when out overflowed.
    Outcome finish();

private:
    Builder& member(Str name); // a comma when needed, then "name":
    Builder& m_out;
    CognitoEvent m_event;
    size_t m_start = 0; // where the response value begins in out
    size_t m_members = 0;
};

// The same with the whole response given as JSON text (not checked: it must
// be one JSON value, normally an object); empty text answers {}.
Outcome respond(const CognitoEvent& event, Builder& out, Str response_json);

} // namespace wisp::events
