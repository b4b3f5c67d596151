#include <wisp/handler.h>

#include "sys.h"
#include "clock.h"

namespace wisp {

long long now_ms()
{
    sys::Timespec ts;
    sys::clock_gettime(sys::clock_realtime, &ts);
    return (ts.sec * 1000000000LL + ts.nsec) / 1000000;
}

long long Invocation::remaining_ms() const
{
    if (deadline_ms <= 0)
        return -1;
    long long left = deadline_ms - now_ms();
    return left > 0 ? left : 0;
}

void format_timestamp(char out[24], long long epoch_ms)
{
    // The output with each digit's radix in its place: the tens of minutes and
    // seconds count to 6. Digits are written from the right, dividing as they go.
    // A literal, unlike an array, packs with the other strings unaligned.
    const char* layout = "\n\n\n\n-\n\n-\n\nT\n\n:\6\n:\6\n.\n\n\nZ";
    auto ms = static_cast<unsigned long long>(epoch_ms);
    auto value = static_cast<unsigned>(ms % 86400000);
    // Years run from March 1, so that a leap day is the last of its year, and
    // four of them from 1968 have 365, 365, 365 and 366 days: every fourth
    // year is a leap year from 1901 to 2099. Four times the days since
    // 1968-03-01, plus 3, over 1461 is the year, and the rest over 4 its day.
    unsigned quarter_days = static_cast<unsigned>(ms / 86400000) * 4 + 671 * 4 + 3;
    unsigned year = quarter_days / 1461 + 1968;
    // Months from March repeat 31 30 31 30 31, 153 days in five: from five
    // times the day of the year, plus 2, 153 make a month and 5 a day.
    unsigned fifth_days = quarter_days % 1461 / 4 * 5 + 2;
    unsigned month = fifth_days / 153; // 0 is March
    // As YYYYMMDD: January and February are in the next year.
    unsigned date = (year * 100 + month + 3) * 100 + fifth_days % 153 / 5 + 1;
    if (month >= 10)
        date += 10000 - 1200;
    for (int i = 23; i >= 0; --i) {
        unsigned char radix = static_cast<unsigned char>(layout[i]);
        if (radix > 10) {
            out[i] = static_cast<char>(radix);
            if (radix == 'T') // the time of day is written: on to the date, as YYYYMMDD
                value = date;
            continue;
        }
        out[i] = static_cast<char>('0' + value % radix);
        value /= radix;
    }
}

} // namespace wisp
