// A Cognito user pool pre sign-up trigger: a user whose email address is at
// the domain AUTO_CONFIRM_DOMAIN (example.com when unset), compared ignoring
// ASCII case, is confirmed and has the address verified at once; anyone else
// signs up as usual and confirms with a code. The answer is the event with
// its "response" filled in, as Cognito wants it:
//   "response":{"autoConfirmUser":true,"autoVerifyEmail":true,"autoVerifyPhone":false}
// Malformed JSON is Function.InvalidInput; any other event or trigger is
// Function.WrongEventSource.
#include <wisp/events/cognito.h>
#include <wisp/wisp.h>

using namespace wisp;

namespace {

// True when email's domain, after its last '@', is domain and the part
// before it is not empty.
bool at_domain(Str email, Str domain)
{
    size_t at = email.len;
    while (at && email.ptr[at - 1] != '@')
        --at;
    return at > 1 && equals_ignore_case(email.sub(at), domain);
}

} // namespace

Outcome wisp::handle(const Invocation& invocation, Arena& arena, Builder& out)
{
    json::Document doc = json::Document::parse(invocation.body, arena);
    if (!doc.ok())
        return failure("Function.InvalidInput", json::describe(doc.error()));
    events::CognitoEvent event(doc.root(), arena);
    if (!event.matches())
        return failure("Function.WrongEventSource", "not a Cognito user pool trigger");
    if (event.trigger() != events::CognitoTrigger::pre_sign_up)
        return failure("Function.WrongEventSource", "this function handles PreSignUp triggers only");

    Str domain = env("AUTO_CONFIRM_DOMAIN");
    if (domain.empty())
        domain = "example.com";
    bool trusted = at_domain(event.request().attribute("email"), domain);
    events::CognitoReply reply(event, out);
    return reply.auto_confirm_user(trusted).auto_verify_email(trusted).auto_verify_phone(false).finish();
}
