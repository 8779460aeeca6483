/* SPDX-License-Identifier: Apache-2.0 */
/* The reports page's numbers, pure: a number as the page's language writes
 * it (1 234,5 in Finnish and Swedish, 1,234.5 in English), and a horizontal
 * bar chart drawn on the server as SVG (no script), each bar with its label
 * and its value written as text, scaled into a 320-unit-wide viewBox so
 * that it fits a phone and prints. The page's table holds the same numbers:
 * the chart is an image whose name says so (role="img", aria-label). */
#ifndef PIIRI_WEB_CHART_H
#define PIIRI_WEB_CHART_H

#include <stddef.h>

/* value as lang ("fi", "sv", "en") writes it: thousands grouped (a no-break
 * space in fi and sv, a comma in en), up to two decimals (a comma in fi and
 * sv, a point in en), none when it is whole. Into buf, always NUL-terminated. */
void web_format_number(const char *lang, double value, char *buf, size_t len);

/* One bar: its label (any UTF-8; escaped, and cut with an ellipsis when it
 * would not fit beside the chart's width), its value (negative counts as 0)
 * and the value as the page writes it (web_format_number). */
struct web_chart_bar {
    const char *label;
    double value;
    const char *value_text;
};

/* The chart's fixed geometry, in viewBox units (tests read them). */
#define WEB_CHART_WIDTH     320
#define WEB_CHART_BAR_MAX   250 /* the longest bar: the largest value */
#define WEB_CHART_ROW       38  /* a label's line and its bar */
#define WEB_CHART_LABEL_MAX 40  /* characters of a label shown */

/* An <svg> element (new string) of the n bars, the longest bar the largest
 * value (no bar at all when every value is 0), named by name (its
 * aria-label and <title>, escaped). */
char *web_chart_bars_svg(const struct web_chart_bar *bars, size_t n, const char *name);

#endif
