/* SPDX-License-Identifier: MIT */
/*
 * Checks for the test programs that do not link Check (hardening, hostile,
 * layout): each is one source file that includes this once, so the failure
 * count is a static of that program.
 */
#ifndef GCWEAK_TEST_REPORT_H
#define GCWEAK_TEST_REPORT_H

#include <stdio.h>
#include <stdlib.h>

static int checks_failed;

/* Records a failure with its location and carries on, so one run reports
 * everything that is wrong. checks_exit_status() turns the count into the
 * exit status. */
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            checks_failed++;                                                   \
        }                                                                      \
    } while (0)

#define CHECK_MSG(cond, ...)                                                   \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__,   \
                    #cond);                                                    \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            checks_failed++;                                                   \
        }                                                                      \
    } while (0)

/* Fatal: the program cannot go on (an allocation the test needs failed). */
#define REQUIRE(cond)                                                          \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                    \
            exit(EXIT_FAILURE);                                                \
        }                                                                      \
    } while (0)

static __attribute__((unused)) int checks_exit_status(const char *program)
{
    if (checks_failed != 0) {
        fprintf(stderr, "%s: %d check(s) failed\n", program, checks_failed);
        return EXIT_FAILURE;
    }
    printf("%s: all checks passed\n", program);
    return EXIT_SUCCESS;
}

#endif
