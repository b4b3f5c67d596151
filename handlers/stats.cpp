// {"values":[3,1,2]} (or a bare [3,1,2]) -> count, mean, sample and population
// standard deviation, min, max and the 50th, 90th and 99th percentiles.
// Built only with -Dlibc=musl: it parses with strtod, sorts with qsort, takes
// sqrt and formats with snprintf. Percentiles interpolate between the two
// nearest ranks, as Python's statistics.quantiles(method="inclusive").
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <wisp/wisp.h>

namespace {

constexpr wisp::Str invalid = "Function.InvalidInput";

// A JSON number's text to a finite double; false for anything else (strtod
// alone would also take hex, "inf" and "nan", and overflows to infinity),
// and for a number written with over 63 characters.
bool to_double(wisp::Str text, double* out)
{
    char digits[64];
    if (text.empty() || text.len >= sizeof digits)
        return false;
    for (size_t i = 0; i < text.len; ++i) {
        char c = text.ptr[i];
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'))
            return false;
        digits[i] = c;
    }
    digits[text.len] = 0;
    char* end = nullptr;
    *out = strtod(digits, &end);
    return end == digits + text.len && isfinite(*out);
}

int ascending(const void* a, const void* b)
{
    double x = *static_cast<const double*>(a), y = *static_cast<const double*>(b);
    return (x > y) - (x < y);
}

// The p-th percentile of sorted[0..n): linear between the nearest ranks.
double percentile(const double* sorted, size_t n, double p)
{
    double rank = p / 100 * static_cast<double>(n - 1);
    auto below = static_cast<size_t>(rank);
    if (below + 1 >= n)
        return sorted[n - 1];
    return sorted[below] + (sorted[below + 1] - sorted[below]) * (rank - static_cast<double>(below));
}

// ,"name":value with 17 significant digits (enough to read back the same
// double), or null where the arithmetic overflowed: JSON has no infinity.
void member(wisp::Builder& out, wisp::Str name, double value)
{
    out.append(",\"").append(name).append("\":");
    char text[32];
    int len = isfinite(value) ? snprintf(text, sizeof text, "%.17g", value) : 0;
    out.append(len > 0 ? wisp::Str(text, static_cast<size_t>(len)) : wisp::Str("null"));
}

} // namespace

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    if (!event.ok())
        return failure(invalid, json::describe(event.error()));
    json::Value values = event.root().type() == json::Type::array ? event.root() : event.root()["values"];
    size_t n = values.size();
    if (values.type() != json::Type::array || n == 0)
        return failure(invalid, "\"values\" must be a non-empty array of numbers");
    double* sorted = arena.alloc_array<double>(n);
    if (!sorted)
        return failure(invalid, "too many values for the arena");

    // Welford's running mean and sum of squared deviations: no sum of all
    // the values to overflow, and no cancellation as in sum(x^2) - n*mean^2.
    double mean = 0, squares = 0;
    size_t count = 0;
    for (json::Value value : values.elements()) {
        double x;
        if (value.type() != json::Type::number || !to_double(value.raw(), &x))
            return failure(invalid, "\"values\" must hold only finite numbers");
        sorted[count++] = x;
        double delta = x - mean;
        mean += delta / static_cast<double>(count);
        squares += delta * (x - mean);
    }
    qsort(sorted, n, sizeof *sorted, ascending);

    out.append(Str("{\"count\":")).append_uint(n);
    member(out, "mean", mean);
    member(out, "stdev", n > 1 ? sqrt(squares / static_cast<double>(n - 1)) : NAN); // the sample's
    member(out, "pstdev", sqrt(squares / static_cast<double>(n)));                  // the population's
    member(out, "min", sorted[0]);
    member(out, "max", sorted[n - 1]);
    member(out, "p50", percentile(sorted, n, 50));
    member(out, "p90", percentile(sorted, n, 90));
    member(out, "p99", percentile(sorted, n, 99));
    out.append('}');
    if (out.overflowed())
        return failure("Function.ResponseTooLarge", "the statistics do not fit in the response buffer");
    return success(out.view());
}
