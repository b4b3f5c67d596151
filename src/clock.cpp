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

// Writes value as `digits` decimal digits ending just before at + digits.
static void put(char* at, unsigned value, int digits)
{
    while (digits--) {
        at[digits] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

void format_timestamp(char out[24], long long epoch_ms)
{
    static constexpr unsigned char month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    auto ms = static_cast<unsigned long long>(epoch_ms);
    auto day = static_cast<unsigned>(ms / 86400000);
    auto in_day = static_cast<unsigned>(ms % 86400000);
    unsigned year = 1970, month = 0;
    // Every fourth year is a leap year from 1901 to 2099.
    for (unsigned length; day >= (length = 365 + (year % 4 == 0)); ++year)
        day -= length;
    for (unsigned length; day >= (length = month_days[month] + (month == 1 && year % 4 == 0)); ++month)
        day -= length;
    __builtin_memcpy(out, "0000-00-00T00:00:00.000Z", 24);
    put(out, year, 4);
    put(out + 5, month + 1, 2);
    put(out + 8, day + 1, 2);
    put(out + 11, in_day / 3600000, 2);
    put(out + 14, in_day / 60000 % 60, 2);
    put(out + 17, in_day / 1000 % 60, 2);
    put(out + 20, in_day % 1000, 3);
}

} // namespace wisp
