/* A JSON-style parser: recursive descent over a generated ~2 MB document of records (objects,
 * arrays, strings with escapes, integers, decimals with exponents, true/false/null). Byte-at-a-time
 * branching and recursion, like real parsers. run(n) generates the document once and parses it n
 * times; the result folds counts, number values and a hash of every string and key. */
#include "bench.h"

#define DOC_MAX (2 * 1024 * 1024)
static char doc[DOC_MAX];
static u32 doc_len;

/* --- the generator --- */
static void put(const char *s) { while (*s) doc[doc_len++] = *s++; }
static void put_int(i64 v)
{
    char tmp[24];
    i32 k = 0;
    u64 u = v < 0 ? (u64)-v : (u64)v;
    do { tmp[k++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) doc[doc_len++] = '-';
    while (k) doc[doc_len++] = tmp[--k];
}

static void generate(void)
{
    static const char *const words[8] = {"alpha", "beta", "gamma", "delta \\\"q\\\"", "eps\\\\ilon", "zeta\\n", "eta", "the\\u0074a"};
    u64 seed = 99;
    doc_len = 0;
    put("[\n");
    for (i32 r = 0; doc_len < DOC_MAX - 4096; r++) {
        if (r) put(",\n");
        u64 x = rng_next(&seed);
        put("  {\"id\": "); put_int(r);
        put(", \"name\": \""); put(words[x & 7]); put(words[(x >> 3) & 7]); put("\"");
        put(", \"score\": "); put_int((i64)(x >> 40) - (1 << 23)); put("."); put_int((i64)((x >> 8) % 1000));
        put(", \"ratio\": "); put_int((i64)((x >> 20) & 255)); put("e-"); put_int((i64)((x >> 28) & 7));
        put(", \"ok\": "); put(x & 0x100 ? "true" : "false");
        put(", \"parent\": "); if (x & 0x200) put("null"); else put_int(r / 2);
        put(", \"tags\": [");
        for (i32 t = 0; t < (i32)((x >> 12) & 7); t++) { if (t) put(", "); put("\""); put(words[(x >> (t * 3)) & 7]); put("\""); }
        put("], \"pos\": {\"x\": "); put_int((i64)((x >> 16) & 0xffff) - 32768);
        put(", \"y\": "); put_int((i64)((x >> 32) & 0xffff) - 32768); put(", \"deep\": [[1, 2], [3, [4, 5]], {}]}}");
    }
    put("\n]\n");
}

/* --- the parser --- */
struct stats { u64 objects, arrays, strings, numbers, literals, number_sum, string_hash; };
static const char *p;
static const char *end;

static void skip_ws(void) { while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++; }

static i32 hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static i32 parse_string(struct stats *s)
{
    if (*p != '"') return 0;
    p++;
    u64 h = 0xcbf29ce484222325ULL;
    while (p < end && *p != '"') {
        u32 c = (u8)*p++;
        if (c == '\\') {
            if (p >= end) return 0;
            char e = *p++;
            switch (e) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                c = 0;
                for (i32 k = 0; k < 4; k++) {
                    i32 d = p < end ? hex(*p++) : -1;
                    if (d < 0) return 0;
                    c = c << 4 | (u32)d;
                }
                break;
            default: return 0;
            }
        }
        h = mix(h, c);
    }
    if (p >= end) return 0;
    p++;
    s->strings++;
    s->string_hash = mix(s->string_hash, h);
    return 1;
}

static i32 parse_number(struct stats *s)
{
    i32 neg = 0;
    if (*p == '-') { neg = 1; p++; }
    if (p >= end || *p < '0' || *p > '9') return 0;
    i64 mant = 0;
    while (p < end && *p >= '0' && *p <= '9') mant = mant * 10 + (*p++ - '0');
    i32 scale = 0;
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') { mant = mant * 10 + (*p++ - '0'); scale--; }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        i32 eneg = 0, ex = 0;
        if (*p == '-' || *p == '+') eneg = *p++ == '-';
        while (p < end && *p >= '0' && *p <= '9') ex = ex * 10 + (*p++ - '0');
        scale += eneg ? -ex : ex;
    }
    /* Kept exact as (mantissa, decimal exponent): no float parsing to disagree about. */
    s->numbers++;
    s->number_sum = mix(s->number_sum, (u64)(neg ? -mant : mant) * 31 + (u64)(scale + 64));
    return 1;
}

static i32 parse_value(struct stats *s, i32 depth);

static i32 parse_container(struct stats *s, i32 depth, char close)
{
    p++;
    skip_ws();
    if (p < end && *p == close) { p++; return 1; }
    for (;;) {
        skip_ws();
        if (close == '}') {
            if (p >= end || !parse_string(s)) return 0;
            skip_ws();
            if (p >= end || *p++ != ':') return 0;
        }
        if (!parse_value(s, depth + 1)) return 0;
        skip_ws();
        if (p >= end) return 0;
        char c = *p++;
        if (c == close) return 1;
        if (c != ',') return 0;
    }
}

static i32 literal(const char *word, struct stats *s)
{
    for (const char *w = word; *w; w++, p++)
        if (p >= end || *p != *w) return 0;
    s->literals++;
    return 1;
}

static i32 parse_value(struct stats *s, i32 depth)
{
    if (depth > 64) return 0;
    skip_ws();
    if (p >= end) return 0;
    switch (*p) {
    case '{': s->objects++; return parse_container(s, depth, '}');
    case '[': s->arrays++; return parse_container(s, depth, ']');
    case '"': return parse_string(s);
    case 't': return literal("true", s);
    case 'f': return literal("false", s);
    case 'n': return literal("null", s);
    default: return parse_number(s);
    }
}

i64 run(i32 n)
{
    generate();
    u64 h = doc_len;
    for (i32 r = 0; r < n; r++) {
        struct stats s = {0, 0, 0, 0, 0, 0, 0};
        p = doc;
        end = doc + doc_len;
        if (!parse_value(&s, 0)) return -1;
        skip_ws();
        if (p != end) return -1;
        h = mix(h, s.objects);
        h = mix(h, s.arrays);
        h = mix(h, s.strings);
        h = mix(h, s.numbers);
        h = mix(h, s.literals);
        h = mix(h, s.number_sum);
        h = mix(h, s.string_hash);
    }
    return (i64)h;
}
