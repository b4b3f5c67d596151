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
    // From March: February comes last, so its length never matters.
    static constexpr unsigned char month_days[] = {31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 29};
    // The output with each digit's radix in its place: the tens of minutes and
    // seconds count to 6. Digits are written from the right, dividing as they go.
    // A literal, unlike an array, packs with the other strings unaligned.
    const char* layout = "\n\n\n\n-\n\n-\n\nT\n\n:\6\n:\6\n.\n\n\nZ";
    auto ms = static_cast<unsigned long long>(epoch_ms);
    auto day = static_cast<unsigned>(ms / 86400000) + 306; // days since 1969-03-01
    auto value = static_cast<unsigned>(ms % 86400000);
    // A year here runs from March 1 of year - 1 to the end of February, so a
    // leap day is its last; every fourth year is a leap year from 1901 to 2099.
    unsigned year = 1970, month = 0;
    for (unsigned length; day >= (length = 365 + (year % 4 == 0)); ++year)
        day -= length;
    for (; day >= month_days[month]; ++month)
        day -= month_days[month];
    // As YYYYMMDD: March to December are in the year before.
    unsigned date = ((year - 1) * 100 + month + 3) * 100 + day + 1;
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
