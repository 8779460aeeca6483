/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for ics_render: a calendar of up to 8 events whose texts,
 * URL, zone, rule, times, exdates and flags come from the input; the output
 * must be lines ending in CRLF of at most 75 octets, valid UTF-8 line by line
 * (whatever the input bytes were), content lines NAME[;PARAM]:VALUE with no
 * line a text could have injected, one VEVENT per event with a UID, and the
 * same bytes when rendered again. */
#include "cal.h"
#include "ics.h"

#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX  8
#define EXDATES_MAX 8
#define STRINGS_MAX (EVENTS_MAX * 8 + 2)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, read front to back; past its end every value is 0 or "". */
struct reader {
    const uint8_t *p;
    size_t n;
    char *strings[STRINGS_MAX];
    size_t nstrings;
};

static uint8_t read_u8(struct reader *r)
{
    if (r->n == 0)
        return 0;
    r->n--;
    return *r->p++;
}

static int64_t read_i64(struct reader *r, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)read_u8(r) << (8 * i);
    if (bytes < 8 && (v >> (8 * bytes - 1)) != 0) /* sign-extend */
        v |= ~UINT64_C(0) << (8 * bytes);
    return (int64_t)v;
}

/* A length byte, then that many bytes (up to the first NUL); owned by r. */
static const char *read_string(struct reader *r)
{
    size_t len = read_u8(r);
    if (len == 255) /* long texts fold many times */
        len = 255 + (size_t)read_u8(r) * 4;
    if (len > r->n)
        len = r->n;
    char *s = malloc(len + 1);
    if (s == NULL || r->nstrings == STRINGS_MAX)
        abort();
    memcpy(s, r->p, len);
    s[len] = '\0';
    r->p += len;
    r->n -= len;
    r->strings[r->nstrings++] = s;
    return s;
}

static const char *const zones[] = { "Europe/Helsinki", "America/New_York", "Asia/Tokyo",
    "Australia/Sydney", "Africa/Casablanca", "Europe/Dublin", "UTC", "Mars/Olympus", "" };
#define ZONES (sizeof(zones) / sizeof(zones[0]))

/* An instant: near 2027 most of the time, anything at all otherwise. */
static int64_t read_time(struct reader *r, uint8_t mode)
{
    if (mode & 1)
        return read_i64(r, 8);
    return INT64_C(1798761600) + read_i64(r, 4) * 60; /* 2027-01-01T00:00:00Z + minutes */
}


/* t + minutes * 60 without signed overflow (the harness's own arithmetic;
 * the renderer must cope with any instant it is given). */
static int64_t offset_minutes(int64_t t, int64_t minutes)
{
    return (int64_t)((uint64_t)t + (uint64_t)minutes * 60u);
}

static void read_event(struct reader *r, struct ics_event *e, int64_t *exdates)
{
    uint8_t flags = read_u8(r), modes = read_u8(r), zone = read_u8(r);

    e->uid = flags & 0x80 ? read_string(r) : NULL;
    e->sequence = (int)read_i64(r, 4);
    e->dtstamp = read_time(r, modes);
    e->last_modified = read_time(r, modes >> 1);
    e->summary = flags & 0x02 ? read_string(r) : NULL;
    e->description = flags & 0x04 ? read_string(r) : NULL;
    e->location = flags & 0x08 ? read_string(r) : NULL;
    e->url = flags & 0x10 ? read_string(r) : NULL;
    e->tzid = zone % (ZONES + 2) < ZONES ? zones[zone % (ZONES + 2)]
              : zone % (ZONES + 2) == ZONES ? NULL
                                            : read_string(r);
    e->start_utc = read_time(r, modes >> 2);
    e->end_utc = modes & 0x08 ? read_time(r, modes >> 2) : offset_minutes(e->start_utc, read_i64(r, 2));
    e->all_day = flags & 0x01;
    e->rrule = flags & 0x20 ? read_string(r) : NULL;
    e->nexdates = (modes >> 4) % (EXDATES_MAX + 1);
    for (size_t i = 0; i < e->nexdates; i++)
        exdates[i] = offset_minutes(e->start_utc, read_i64(r, 4));
    e->exdates = exdates;
    e->recurrence_id = flags & 0x40 ? read_time(r, modes >> 2) : 0;
    e->status = (enum ics_status)(read_u8(r) % 5);
}

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

/* One physical line is valid UTF-8 on its own. */
static bool line_utf8(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                              : c >= 0xF0 && c <= 0xF4   ? 4
                                                         : 0;
        if (k == 0 || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
        }
        if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F) ||
            (c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] > 0x8F))
            return false; /* overlong, surrogate, past U+10FFFF */
        i += k;
    }
    return true;
}

/* A content line starts with a property name we write, then ';' or ':'. */
static bool line_name_ok(const char *line, size_t n)
{
    static const char *const names[] = { "BEGIN", "END", "VERSION", "PRODID", "CALSCALE",
        "METHOD", "NAME", "X-WR-CALNAME", "X-WR-CALDESC", "REFRESH-INTERVAL", "X-PUBLISHED-TTL",
        "TZID", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "DTSTART", "RRULE", "RDATE", "UID",
        "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "DTEND", "EXDATE", "RECURRENCE-ID", "SUMMARY",
        "DESCRIPTION", "LOCATION", "URL", "STATUS" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t k = strlen(names[i]);
        if (k < n && memcmp(line, names[i], k) == 0 && (line[k] == ':' || line[k] == ';'))
            return true;
    }
    return false;
}

static void check_output(const char *ics, size_t len, size_t events_with_uid)
{
    size_t vevents = 0;

    check(strlen(ics) == len && len >= 2);
    check(memcmp(ics, "BEGIN:VCALENDAR\r\n", 17) == 0);
    check(memcmp(ics + len - 15, "END:VCALENDAR\r\n", 15) == 0);
    for (size_t i = 0; i < len;) {
        const char *crlf = memchr(ics + i, '\r', len - i);
        check(crlf != NULL && crlf + 1 < ics + len && crlf[1] == '\n');
        size_t n = (size_t)(crlf - (ics + i));
        check(n <= 75);
        check(memchr(ics + i, '\n', n) == NULL);
        check(line_utf8((const unsigned char *)ics + i, n));
        if (ics[i] != ' ') {
            check(line_name_ok(ics + i, n));
            vevents += n >= 12 && memcmp(ics + i, "BEGIN:VEVENT", 12) == 0;
        }
        check(n > 0); /* no empty lines, and a fold is followed by something */
        i += n + 2;
    }
    check(vevents == events_with_uid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int64_t exdates[EVENTS_MAX][EXDATES_MAX];
    struct reader r = { data, size, { NULL }, 0 };
    struct ics_event events[EVENTS_MAX];
    struct ics_calendar cal = { 0 };
    size_t with_uid = 0;

    cal_init();
    uint8_t header = read_u8(&r);
    cal.name = header & 1 ? read_string(&r) : NULL;
    cal.description = header & 2 ? read_string(&r) : NULL;
    cal.refresh_minutes = (int)read_i64(&r, 2);
    while (r.n > 0 && cal.nevents < EVENTS_MAX) {
        read_event(&r, &events[cal.nevents], exdates[cal.nevents]);
        with_uid += events[cal.nevents].uid != NULL;
        cal.nevents++;
    }
    cal.events = events;

    size_t len, again_len;
    char *ics = ics_render(&cal, &len);
    check_output(ics, len, with_uid);
    char *again = ics_render(&cal, &again_len);
    check(again_len == len && memcmp(ics, again, len) == 0);
    free(again);
    free(ics);
    for (size_t i = 0; i < r.nstrings; i++)
        free(r.strings[i]);
    return 0;
}
