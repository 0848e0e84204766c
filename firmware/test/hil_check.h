/*
 * Minimal check helpers shared by the host C unit tests (agent, fixed-point helpers, Cortex-M
 * fault code). Each check prints one line when it fails; hil_check_summary() prints
 * "N passed, N failed" and gives the exit status. Include once per test program.
 */
#ifndef HIL_CHECK_H
#define HIL_CHECK_H

#include <stdio.h>

static unsigned passed, failed;

/** Count one check; print the failed expression (and `what`, when given). Returns `ok`. */
static int check_(int ok, const char *expr, int line, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %d: %s%s%s\n", line, expr, what ? " -- " : "", what ? what : "");
    }
    return ok;
}

#define CHECK(cond) check_((cond) ? 1 : 0, #cond, __LINE__, NULL)
#define CHECKM(cond, what) check_((cond) ? 1 : 0, #cond, __LINE__, (what))

/** Print the totals; 0 when every check passed, else 1 (the test program's exit status). */
static int hil_check_summary(void)
{
    printf("%u passed, %u failed\n", passed, failed);
    return failed == 0u ? 0 : 1;
}

#endif /* HIL_CHECK_H */
