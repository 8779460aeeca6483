/* SPDX-License-Identifier: Apache-2.0 */
/* Cold rendering of a personal-style feed: N standalone Helsinki events with
 * varied Finnish texts, some cancelled or tentative, rendered by ics_render
 * from scratch R times (after one warm-up); prints the median and fastest
 * time. With --json FILE it also writes the same events for
 * bench/ics-generator.mjs, and with --out FILE the rendered feed.
 *
 *   build/bench/ics_render [--events N] [--reps R] [--json FILE] [--out FILE] */
#include "cal.h"
#include "ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_MAX 600

struct bench_event {
    struct ics_event ics;
    char uid[64], summary[160], description[TEXT_MAX], location[160], url[128];
};

static const char *const kinds[] = { "Vertaisryhmä", "Perhekahvila", "Omaisten ilta", "Etäryhmä",
    "Sururyhmä", "Vertaistukipiiri", "Isien ilta", "Nuorten ryhmä" };
static const char *const topics[] = { "mielenterveys", "päihteet ja läheiset", "erityislapset",
    "yksinhuoltajat", "muistisairaudet", "syöpä", "työttömyys", "lapsettomuus", "uupumus",
    "läheisen itsemurha" };
static const char *const places[] = { "Kallion kirjasto, Viides linja 11, Helsinki",
    "Järjestötalo, Hämeenkatu 14 B, 2. krs, Tampere", "Seurakuntatalo; sali \"Ääni\", Oulu",
    "Kohtaamispaikka Pöllö, Yliopistonkatu 7, Turku", "Etänä (Teams)",
    "Nuorisotila Väylä, Jyväskylä", "Perhekeskus, Läntinen Pitkäkatu 21, Turku" };
static const char *const sentences[] = { "Tervetuloa mukaan, kahvia ja pullaa tarjolla.",
    "Ryhmää ohjaavat koulutetut vertaisohjaajat; mukaan voi tulla nimettömänä.",
    "Ilmoittaudu viimeistään edellisenä päivänä, paikkoja on rajoitetusti.",
    "Esteetön sisäänkäynti pihan puolelta, hissi 2. kerrokseen.",
    "Lapsille on järjestetty omaa ohjelmaa viereisessä huoneessa.",
    "Kokoontumisessa ei tarvitse puhua, jos ei halua — kuunteleminenkin riittää.",
    "Ota yhteyttä ohjaajaan: 040 123 4567 tai piiri@example.fi.",
    "Huom! Poikkeuksellisesti alakerran kerhohuoneessa." };

/* A fixed pseudo-random sequence (Knuth's MMIX LCG): the same events every run. */
static uint64_t bench_seed = 42;
static unsigned bench_rand(unsigned n)
{
    bench_seed = bench_seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((bench_seed >> 33) % n);
}

static void bench_describe(char *out)
{
    out[0] = '\0';
    int n = 1 + (int)bench_rand(4);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, bench_rand(3) == 0 ? "\n" : " ");
        strcat(out, sentences[bench_rand(sizeof(sentences) / sizeof(sentences[0]))]);
    }
}

/* Event i: a session between 2026-09 and 2028-09 at a whole quarter hour. */
static void bench_event_make(struct bench_event *b, unsigned i)
{
    static const int64_t base = INT64_C(1788220800); /* 2026-09-01T00:00:00Z */
    int64_t start = base + (int64_t)bench_rand(730) * 86400 + (int64_t)(9 + bench_rand(12)) * 3600 +
                    (int64_t)bench_rand(4) * 900;
    unsigned status = bench_rand(100);

    snprintf(b->uid, sizeof(b->uid), "session-%u-person-%u@piiri.example", 100000 + i,
        7000 + bench_rand(50));
    snprintf(b->summary, sizeof(b->summary), "%s: %s",
        kinds[bench_rand(sizeof(kinds) / sizeof(kinds[0]))],
        topics[bench_rand(sizeof(topics) / sizeof(topics[0]))]);
    bench_describe(b->description);
    snprintf(b->location, sizeof(b->location), "%s",
        places[bench_rand(sizeof(places) / sizeof(places[0]))]);
    snprintf(b->url, sizeof(b->url), "https://meet.example.fi/r/%08x?pwd=%06u",
        bench_rand(1u << 30), bench_rand(1000000));
    b->ics = (struct ics_event){
        .uid = b->uid,
        .sequence = (int)bench_rand(4),
        .dtstamp = start - 86400 * (int64_t)(1 + bench_rand(60)),
        .summary = b->summary,
        .description = b->description,
        .location = b->location,
        .url = bench_rand(3) == 0 ? b->url : NULL,
        .tzid = "Europe/Helsinki",
        .start_utc = start,
        .end_utc = start + (int64_t)(60 + 30 * bench_rand(4)) * 60,
        .status = status < 8    ? ICS_STATUS_CANCELLED
                  : status < 20 ? ICS_STATUS_TENTATIVE
                                : ICS_STATUS_CONFIRMED,
    };
    b->ics.last_modified = b->ics.dtstamp;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_time(FILE *f, int64_t utc)
{
    char text[CAL_RFC3339_LEN];
    cal_format_rfc3339(utc, "UTC", text);
    fprintf(f, "\"%s\"", text);
}

/* The events as JSON, for ical-generator to render the same ones. */
static int bench_write_json(const char *path, const struct bench_event *events, size_t n)
{
    static const char *const statuses[] = { NULL, "CONFIRMED", "TENTATIVE", "CANCELLED" };
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        const struct ics_event *e = &events[i].ics;
        fputs(i > 0 ? ",\n{\"uid\":" : "{\"uid\":", f);
        json_string(f, e->uid);
        fprintf(f, ",\"sequence\":%d,\"stamp\":", e->sequence);
        json_time(f, e->dtstamp);
        fputs(",\"lastModified\":", f);
        json_time(f, e->last_modified);
        fputs(",\"start\":", f);
        json_time(f, e->start_utc);
        fputs(",\"end\":", f);
        json_time(f, e->end_utc);
        fputs(",\"summary\":", f);
        json_string(f, e->summary);
        fputs(",\"description\":", f);
        json_string(f, e->description);
        fputs(",\"location\":", f);
        json_string(f, e->location);
        fputs(",\"url\":", f);
        if (e->url != NULL)
            json_string(f, e->url);
        else
            fputs("null", f);
        fprintf(f, ",\"status\":\"%s\"}", statuses[e->status]);
    }
    fputs("\n]\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

static double bench_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int bench_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t n = 10000;
    int reps = 20;
    const char *json = NULL, *out = NULL;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--events") == 0)
            n = (size_t)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--json") == 0)
            json = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[i + 1];
    }
    if (n == 0 || reps < 1) {
        fprintf(stderr, "usage: ics_render [--events N] [--reps R] [--json FILE] [--out FILE]\n");
        return 2;
    }
    cal_init(); /* as piirid does before its workers start */
    struct bench_event *b = calloc(n, sizeof(*b));
    struct ics_event *events = calloc(n, sizeof(*events));
    double *ms = calloc((size_t)reps, sizeof(*ms));
    if (b == NULL || events == NULL || ms == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        bench_event_make(&b[i], (unsigned)i);
        events[i] = b[i].ics;
    }
    if (json != NULL && bench_write_json(json, b, n) < 0) {
        fprintf(stderr, "ics_render: cannot write %s\n", json);
        return 1;
    }
    struct ics_calendar cal = { "Piiri: omat tapaamiset", NULL, 60, events, n, NULL };
    size_t len;
    free(ics_render(&cal, &len)); /* warm-up: first use of the zone */
    for (int r = 0; r < reps; r++) {
        double t0 = bench_now_ms();
        char *ics = ics_render(&cal, &len);
        ms[r] = bench_now_ms() - t0;
        if (r == reps - 1 && out != NULL) {
            FILE *f = fopen(out, "wb");
            if (f == NULL || fwrite(ics, 1, len, f) != len || fclose(f) != 0)
                return 1;
        }
        free(ics);
    }
    qsort(ms, (size_t)reps, sizeof(*ms), bench_compare);
    printf("events=%zu reps=%d bytes=%zu median_ms=%.2f min_ms=%.2f\n", n, reps, len, ms[reps / 2],
        ms[0]);
    free(ms);
    free(events);
    free(b);
    return 0;
}
