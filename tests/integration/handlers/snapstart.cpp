// Test-only handler: two hooks of each kind, registered in init(). Each logs
// "hook <name>" when it runs; the one named by WISP_TEST_FAILING_HOOK fails.
// The answer counts the hooks that ran, so an invocation shows them too.
#include <wisp/lifecycle.h>
#include <wisp/wisp.h>

namespace {

int g_ran_before = 0;
int g_ran_after = 0;

wisp::Outcome run(wisp::Str name, int& counter)
{
    wisp::Str parts[] = {"hook ", name};
    wisp::log_parts(wisp::Level::info, parts, 2);
    ++counter;
    if (wisp::env("WISP_TEST_FAILING_HOOK") == name)
        return wisp::failure("Function.HookFailed", "the hook was told to fail");
    return wisp::success({});
}

wisp::Outcome before_1(wisp::Arena&) { return run("before-1", g_ran_before); }
wisp::Outcome before_2(wisp::Arena&) { return run("before-2", g_ran_before); }
wisp::Outcome after_1(wisp::Arena&) { return run("after-1", g_ran_after); }
wisp::Outcome after_2(wisp::Arena&) { return run("after-2", g_ran_after); }

} // namespace

wisp::Outcome wisp::init(wisp::Arena&)
{
    before_snapshot(before_1);
    before_snapshot(before_2);
    after_restore(after_1);
    after_restore(after_2);
    return success({});
}

wisp::Outcome wisp::handle(const wisp::Invocation&, wisp::Arena&, wisp::Builder& out)
{
    out.append("{\"before\":").append_int(g_ran_before).append(",\"after\":").append_int(g_ran_after).append('}');
    return success(out.view());
}
