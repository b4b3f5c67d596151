#include <wisp/handler.h>

#include "sys.h"
#include "clock.h"

namespace wisp {

long long now_ms()
{
    sys::Timespec ts{};
    sys::clock_gettime(sys::clock_realtime, &ts);
    return ts.sec * 1000LL + ts.nsec / 1000000;
}

long long Invocation::remaining_ms() const
{
    if (deadline_ms <= 0)
        return -1;
    long long left = deadline_ms - now_ms();
    return left > 0 ? left : 0;
}

static void append_two(Builder& out, long long value, char after)
{
    out.append(static_cast<char>('0' + value / 10)).append(static_cast<char>('0' + value % 10)).append(after);
}

void append_timestamp(Builder& out, long long epoch_ms)
{
    long long days = epoch_ms / 86400000, ms = epoch_ms % 86400000;
    // Civil date from days since 1970-01-01, counting in 400-year eras that
    // start on March 1st so the leap day falls at the end of each year.
    long long z = days + 719468;
    long long era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long day = doy - (153 * mp + 2) / 5 + 1;
    long long month = mp < 10 ? mp + 3 : mp - 9;
    long long year = yoe + era * 400 + (month <= 2);
    out.append_int(year).append('-');
    append_two(out, month, '-');
    append_two(out, day, 'T');
    append_two(out, ms / 3600000, ':');
    append_two(out, ms / 60000 % 60, ':');
    append_two(out, ms / 1000 % 60, '.');
    long long millis = ms % 1000;
    out.append(static_cast<char>('0' + millis / 100));
    append_two(out, millis % 100, 'Z');
}

} // namespace wisp
