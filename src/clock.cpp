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

static void append_two(Builder& out, unsigned value, char after)
{
    out.append(static_cast<char>('0' + value / 10)).append(static_cast<char>('0' + value % 10)).append(after);
}

void append_timestamp(Builder& out, long long epoch_ms)
{
    static constexpr unsigned char month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    auto ms = static_cast<unsigned long long>(epoch_ms);
    auto day = static_cast<unsigned>(ms / 86400000);
    auto in_day = static_cast<unsigned>(ms % 86400000);
    unsigned year = 1970, month = 0;
    for (;;) { // a few dozen steps: only log records need this
        bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        unsigned length = month_days[month] + (month == 1 && leap);
        if (day < length)
            break;
        day -= length;
        if (++month == 12) {
            month = 0;
            ++year;
        }
    }
    out.append_uint(year).append('-');
    append_two(out, month + 1, '-');
    append_two(out, day + 1, 'T');
    append_two(out, in_day / 3600000, ':');
    append_two(out, in_day / 60000 % 60, ':');
    append_two(out, in_day / 1000 % 60, '.');
    out.append(static_cast<char>('0' + in_day % 1000 / 100));
    append_two(out, in_day % 100, 'Z');
}

} // namespace wisp
