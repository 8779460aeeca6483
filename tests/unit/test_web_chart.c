/* SPDX-License-Identifier: Apache-2.0 */
/* The reports page's numbers and bar chart, pure: numbers in each language's
 * way, bars scaled to the largest value, no bar (and no division by zero)
 * when every value is 0, labels escaped and cut on a character's boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "web-chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void assert_number(const char *lang, double v, const char *want)
{
    char buf[64];
    web_format_number(lang, v, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_numbers_in_each_language(void **state)
{
    (void)state;
    assert_number("fi", 0, "0");
    assert_number("fi", 999, "999");
    assert_number("fi", 1234,
        "1\xc2\xa0"
        "234");
    assert_number("sv", 1234567,
        "1\xc2\xa0"
        "234\xc2\xa0"
        "567");
    assert_number("en", 1234567, "1,234,567");
    assert_number("fi", 3.25, "3,25");
    assert_number("fi", 1.5, "1,5");
    assert_number("en", 1234.5, "1,234.5");
    assert_number("fi", 7.0, "7");
    assert_number("en", -1200, "-1,200");
    assert_number("fi", 0.004, "0");
}

/* The width of the n-th <rect> of svg, or -1 when there is none. */
static double rect_width(const char *svg, int n)
{
    const char *p = svg;
    for (int i = 0; i <= n; i++) {
        p = strstr(p, "<rect ");
        if (p == NULL)
            return -1;
        p++;
    }
    const char *w = strstr(p, "width=\"");
    return w ? strtod(w + 7, NULL) : -1;
}

static void assert_near(double got, double want, double eps)
{
    if (got < want - eps || got > want + eps)
        fail_msg("%g is not %g", got, want);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

static void test_bars_scale_to_the_largest(void **state)
{
    (void)state;
    struct web_chart_bar bars[] = { { "A", 50, "50" }, { "B", 200, "200" }, { "C", 0.5, "0,5" },
        { "D", 0, "0" } };
    char *svg = web_chart_bars_svg(bars, 4, "Käynnit ryhmittäin");
    assert_near(rect_width(svg, 0), WEB_CHART_BAR_MAX / 4.0, 0.05);
    assert_near(rect_width(svg, 1), WEB_CHART_BAR_MAX, 0.05);
    assert_near(rect_width(svg, 2), 1, 0.05); /* small, but seen */
    assert_near(rect_width(svg, 3), -1, 0);   /* 0: no bar */
    assert_int_equal(count(svg, "<rect "), 3);
    /* Every bar has its label and its value as text. */
    assert_non_null(strstr(svg, ">A</text>"));
    assert_non_null(strstr(svg, ">200</text>"));
    assert_non_null(strstr(svg, ">0</text>"));
    /* The viewBox is 320 wide and as high as its rows; the image has a name. */
    char want[128];
    snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", WEB_CHART_WIDTH, 4 * WEB_CHART_ROW + 8);
    assert_non_null(strstr(svg, want));
    assert_non_null(strstr(svg, "role=\"img\" aria-label=\"Käynnit ryhmittäin\""));
    assert_non_null(strstr(svg, "<title>Käynnit ryhmittäin</title>"));
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    assert_string_equal(svg + strlen(svg) - 6, "</svg>");
    /* The longest bar and its value stay inside the viewBox. */
    assert_true(WEB_CHART_BAR_MAX + 5 + 7 * 8 <= WEB_CHART_WIDTH + 1);
    free(svg);
}

static void test_zero_data(void **state)
{
    (void)state;
    struct web_chart_bar bars[] = { { "A", 0, "0" }, { "B", 0, "0" } };
    char *svg = web_chart_bars_svg(bars, 2, "x");
    assert_null(strstr(svg, "<rect"));
    assert_null(strstr(svg, "nan"));
    assert_null(strstr(svg, "inf"));
    assert_int_equal(count(svg, ">0</text>"), 2);
    free(svg);
    svg = web_chart_bars_svg(NULL, 0, "x");
    assert_non_null(strstr(svg, "viewBox=\"0 0 320 8\""));
    free(svg);
}

static void test_labels_escaped_and_cut(void **state)
{
    (void)state;
    const char *nasty = "<script>\"x\"</script> & 'Perhe'\x01kahvila"; /* 40 characters */
    char long_label[200] = "";
    for (int i = 0; i < 30; i++)
        strcat(long_label, "ä€"); /* 60 characters of two and three bytes */
    struct web_chart_bar bars[] = { { nasty, 3, "3" }, { long_label, 2, "2" } };
    char *svg = web_chart_bars_svg(bars, 2, "Name with <b>\"quotes\"</b> & more");
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "<b>"));
    assert_null(strstr(svg, "\x01"));
    assert_non_null(strstr(
        svg, ">&lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; &#39;Perhe&#39; kahvila</text>"));
    assert_non_null(
        strstr(svg, "aria-label=\"Name with &lt;b&gt;&quot;quotes&quot;&lt;/b&gt; &amp; more\""));
    /* WEB_CHART_LABEL_MAX - 1 characters of the long label, then an ellipsis: cut between characters. */
    char cut[200] = ">";
    for (int i = 0; i < WEB_CHART_LABEL_MAX - 1; i++)
        strcat(cut, i % 2 == 0 ? "ä" : "€");
    strcat(cut, "\xe2\x80\xa6</text>");
    assert_non_null(strstr(svg, cut));
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_in_each_language),
        cmocka_unit_test(test_bars_scale_to_the_largest),
        cmocka_unit_test(test_zero_data),
        cmocka_unit_test(test_labels_escaped_and_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
