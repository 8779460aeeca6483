/* SPDX-License-Identifier: Apache-2.0 */
/* The reports page's numbers in the language's way and its bar chart as
 * SVG (why and how: web-chart.h). */
#include "web-chart.h"

#include "strbuf.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NBSP "\xc2\xa0"

void web_format_number(const char *lang, double value, char *buf, size_t len)
{
    bool en = lang != NULL && strcmp(lang, "en") == 0;
    const char *group = en ? "," : NBSP, *point = en ? "." : ",";
    /* Rounded to cents by hand: piirid does not link libm. */
    long long cents = isfinite(value) && value < 1e15 && value > -1e15
                          ? (long long)(value * 100 + (value < 0 ? -0.5 : 0.5))
                          : 0;
    bool negative = cents < 0;
    unsigned long long u = (unsigned long long)(negative ? -cents : cents);
    unsigned long long whole = u / 100, frac = u % 100;
    char digits[32], out[96];
    int nd = snprintf(digits, sizeof digits, "%llu", whole);
    size_t n = 0;
    if (negative)
        out[n++] = '-';
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0) {
            memcpy(out + n, group, strlen(group));
            n += strlen(group);
        }
        out[n++] = digits[i];
    }
    out[n] = '\0';
    if (frac == 0)
        snprintf(buf, len, "%s", out);
    else if (frac % 10 == 0)
        snprintf(buf, len, "%s%s%llu", out, point, frac / 10);
    else
        snprintf(buf, len, "%s%s%02llu", out, point, frac);
}

/* The entity XML text and attribute values write c as, or NULL. */
static const char *xml_entity(unsigned char c)
{
    static const char *const entities[][2] = {
        { "&", "&amp;" },
        { "<", "&lt;" },
        { ">", "&gt;" },
        { "\"", "&quot;" },
        { "'", "&#39;" },
    };
    for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
        if (entities[i][0][0] == (char)c)
            return entities[i][1];
    return NULL;
}

/* s as XML text or attribute value: the five entities, and a control
 * character (which XML 1.0 does not allow) as a space. At most max
 * characters (code points), the last of them then an ellipsis. */
static void add_escaped(struct strbuf *sb, const char *s, size_t max)
{
    size_t chars = 0;
    for (const char *c = s; *c != '\0'; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    size_t keep = chars > max ? max - 1 : chars, seen = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        if ((*c & 0xC0) != 0x80 && seen++ == keep)
            break;
        const char *entity = xml_entity(*c);
        if (entity != NULL)
            strbuf_adds(sb, entity);
        else
            strbuf_addc(sb, *c < 0x20 || *c == 0x7f ? ' ' : (char)*c);
    }
    if (keep < chars)
        strbuf_adds(sb, "\xe2\x80\xa6");
}

static double largest(const struct web_chart_bar *bars, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(bars[i].value) && bars[i].value > max)
            max = bars[i].value;
    return max;
}

/* The bar's length: the largest value's is WEB_CHART_BAR_MAX, any value
 * above 0 at least one unit (so that it is seen), 0 none. */
static double bar_length(double value, double max)
{
    if (!(max > 0) || !isfinite(value) || value <= 0)
        return 0;
    double w = value / max * WEB_CHART_BAR_MAX;
    return w < 1 ? 1 : w;
}

/* A label's line and under it the bar with its value written after it.
 * Colours are attributes (the page's CSP allows no inline style) and dark
 * on white, so that the chart prints; the value is text, not a shade. */
static void add_row(struct strbuf *sb, const struct web_chart_bar *bar, double max, int top)
{
    double w = bar_length(bar->value, max);
    strbuf_addf(sb, "<text x=\"0\" y=\"%d\" fill=\"#1d1d1f\">", top + 13);
    add_escaped(sb, bar->label ? bar->label : "", WEB_CHART_LABEL_MAX);
    strbuf_adds(sb, "</text>");
    if (w > 0)
        strbuf_addf(sb, "<rect x=\"0\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"#0b5c57\"/>",
            top + 18, w);
    strbuf_addf(
        sb, "<text x=\"%.1f\" y=\"%d\" fill=\"#1d1d1f\" font-weight=\"bold\">", w + 5, top + 30);
    add_escaped(sb, bar->value_text ? bar->value_text : "", 24);
    strbuf_adds(sb, "</text>");
}

char *web_chart_bars_svg(const struct web_chart_bar *bars, size_t n, const char *name)
{
    struct strbuf sb = STRBUF_INIT;
    double max = largest(bars, n);
    int height = (int)n * WEB_CHART_ROW + 8;
    strbuf_addf(&sb,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" "
        "width=\"%d\""
        " height=\"%d\" role=\"img\" aria-label=\"",
        WEB_CHART_WIDTH, height, WEB_CHART_WIDTH, height);
    add_escaped(&sb, name ? name : "", 200);
    strbuf_adds(&sb, "\" font-family=\"system-ui, sans-serif\" font-size=\"14\"><title>");
    add_escaped(&sb, name ? name : "", 200);
    strbuf_adds(&sb, "</title>");
    for (size_t i = 0; i < n; i++)
        add_row(&sb, &bars[i], max, 4 + (int)i * WEB_CHART_ROW);
    strbuf_adds(&sb, "</svg>");
    return strbuf_take(&sb);
}
