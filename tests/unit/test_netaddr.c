/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for netaddr.c: addresses, CIDR lists, X-Forwarded-For. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static struct netaddr addr(const char *text)
{
    struct netaddr a;
    if (netaddr_parse(text, &a) != 0)
        fail_msg("%s did not parse", text);
    return a;
}

static void assert_text(const struct netaddr *a, const char *want)
{
    char buf[NETADDR_TEXT_MAX];
    netaddr_format(a, buf, sizeof(buf));
    assert_string_equal(buf, want);
}

static void test_parse(void **state)
{
    struct netaddr a;
    a = addr("192.0.2.1");
    assert_int_equal(a.family, AF_INET);
    assert_text(&a, "192.0.2.1");
    a = addr("2001:DB8::1");
    assert_int_equal(a.family, AF_INET6);
    assert_text(&a, "2001:db8::1");
    /* One client, one form, whichever socket family it came in on. */
    a = addr("::ffff:192.0.2.1");
    assert_int_equal(a.family, AF_INET);
    struct netaddr b = addr("192.0.2.1");
    assert_true(netaddr_equal(&a, &b));
    const char *bad[] = { "", " ", "192.0.2", "192.0.2.256", "1.2.3.4 ", "example.org", "::g", "unknown",
        "1.2.3.4:80", "[::1]" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (netaddr_parse(bad[i], &a) == 0)
            fail_msg("\"%s\" parsed", bad[i]);
    char longer[100];
    memset(longer, '1', sizeof(longer) - 1);
    longer[99] = '\0';
    assert_int_not_equal(netaddr_parse(longer, &a), 0);
}

static void test_from_sockaddr(void **state)
{
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
    struct netaddr a;
    assert_int_equal(inet_pton(AF_INET6, "::ffff:10.1.2.3", &sin6.sin6_addr), 1);
    assert_int_equal(netaddr_from_sockaddr((struct sockaddr *)&sin6, &a), 0);
    assert_text(&a, "10.1.2.3");
    struct sockaddr_in sin = { .sin_family = AF_INET };
    sin.sin_addr.s_addr = htonl(0x7f000001);
    assert_int_equal(netaddr_from_sockaddr((struct sockaddr *)&sin, &a), 0);
    assert_text(&a, "127.0.0.1");
    struct sockaddr sun = { .sa_family = AF_UNIX };
    assert_int_not_equal(netaddr_from_sockaddr(&sun, &a), 0);
}

static void test_loopback(void **state)
{
    struct netaddr a = addr("127.3.2.1"), b = addr("::1"), c = addr("::ffff:127.0.0.1"), d = addr("128.0.0.1"),
                   e = addr("::2");
    assert_true(netaddr_is_loopback(&a));
    assert_true(netaddr_is_loopback(&b));
    assert_true(netaddr_is_loopback(&c));
    assert_false(netaddr_is_loopback(&d));
    assert_false(netaddr_is_loopback(&e));
}

static void test_cidrs(void **state)
{
    struct netaddr_cidrs list;
    char *cause = NULL;
    assert_int_equal(netaddr_cidrs_parse("10.0.0.0/8,192.0.2.128/25  2001:db8::/32,::1", &list, &cause), 0);
    assert_int_equal(list.n, 4);
    const char *in[] = { "10.255.255.255", "10.0.0.0", "192.0.2.128", "192.0.2.255", "2001:db8:ffff::1", "::1",
        "::ffff:10.9.9.9" };
    const char *out[] = { "11.0.0.0", "9.255.255.255", "192.0.2.127", "2001:db9::", "::2", "192.0.3.1" };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        struct netaddr a = addr(in[i]);
        if (!netaddr_cidrs_contain(&list, &a))
            fail_msg("%s should be in the list", in[i]);
    }
    for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
        struct netaddr a = addr(out[i]);
        if (netaddr_cidrs_contain(&list, &a))
            fail_msg("%s should not be in the list", out[i]);
    }
    netaddr_cidrs_free(&list);

    assert_int_equal(netaddr_cidrs_parse("0.0.0.0/0", &list, &cause), 0);
    struct netaddr any = addr("203.0.113.9"), v6 = addr("2001:db8::9");
    assert_true(netaddr_cidrs_contain(&list, &any));
    assert_false(netaddr_cidrs_contain(&list, &v6));
    netaddr_cidrs_free(&list);

    /* An IPv4-mapped prefix names IPv4 addresses. */
    assert_int_equal(netaddr_cidrs_parse("::ffff:10.0.0.0/104", &list, &cause), 0);
    struct netaddr ten = addr("10.1.1.1"), eleven = addr("11.1.1.1");
    assert_true(netaddr_cidrs_contain(&list, &ten));
    assert_false(netaddr_cidrs_contain(&list, &eleven));
    netaddr_cidrs_free(&list);

    assert_int_equal(netaddr_cidrs_parse("  ", &list, &cause), 0);
    assert_int_equal(list.n, 0);

    const char *bad[] = { "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/8x", "10.0.0.0/-1", "10.0.0.0/0008",
        "a.b.c.d", "10.0.0.0//8", "::ffff:10.0.0.0/95" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (netaddr_cidrs_parse(bad[i], &list, &cause) == 0)
            fail_msg("\"%s\" parsed", bad[i]);
        assert_non_null(cause);
        free(cause);
        cause = NULL;
    }
}

static void client_is(const char *peer, const char *xff, const char *trusted, const char *want)
{
    struct netaddr_cidrs list;
    char *cause = NULL;
    if (netaddr_cidrs_parse(trusted, &list, &cause) != 0)
        fail_msg("%s", cause);
    struct netaddr p = addr(peer), client;
    netaddr_forwarded_client(&p, xff, &list, &client);
    char got[NETADDR_TEXT_MAX];
    netaddr_format(&client, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("peer %s, X-Forwarded-For \"%s\", trusted \"%s\": got %s, want %s", peer, xff ? xff : "(none)",
            trusted, got, want);
    netaddr_cidrs_free(&list);
}

static void test_forwarded_client(void **state)
{
    /* Nobody trusted: the header is the client's own words. */
    client_is("192.0.2.1", "203.0.113.5", "", "192.0.2.1");
    /* An untrusted peer cannot claim another address. */
    client_is("192.0.2.1", "203.0.113.5", "10.0.0.0/8", "192.0.2.1");
    /* A trusted proxy, no header: the proxy itself. */
    client_is("10.0.0.2", NULL, "10.0.0.0/8", "10.0.0.2");
    client_is("10.0.0.2", "203.0.113.5", "10.0.0.0/8", "203.0.113.5");
    /* The client may put anything on the left: only the right end counts. */
    client_is("10.0.0.2", "1.1.1.1, 203.0.113.5", "10.0.0.0/8", "203.0.113.5");
    /* Chains of trusted proxies are skipped. */
    client_is("10.0.0.2", "203.0.113.5, 10.0.0.9,10.1.1.1", "10.0.0.0/8", "203.0.113.5");
    client_is("10.0.0.2", " 203.0.113.5 ,\t10.0.0.9 ", "10.0.0.0/8", "203.0.113.5");
    /* Every hop trusted: the leftmost. */
    client_is("10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.0/8", "10.0.0.3");
    /* Garbage stops the walk at the last good address. */
    client_is("10.0.0.2", "203.0.113.5, bogus", "10.0.0.0/8", "10.0.0.2");
    client_is("10.0.0.2", "bogus, 10.0.0.7", "10.0.0.0/8", "10.0.0.7");
    client_is("10.0.0.2", "", "10.0.0.0/8", "10.0.0.2");
    client_is("10.0.0.2", ",", "10.0.0.0/8", "10.0.0.2");
    client_is("10.0.0.2", "203.0.113.5:4711", "10.0.0.0/8", "10.0.0.2");
    client_is("::1", "2001:db8::7", "::1", "2001:db8::7");
    client_is("::ffff:127.0.0.1", "::ffff:203.0.113.5", "127.0.0.1", "203.0.113.5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_from_sockaddr),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_cidrs),
        cmocka_unit_test(test_forwarded_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
