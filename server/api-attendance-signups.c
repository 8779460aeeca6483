/* SPDX-License-Identifier: Apache-2.0 */
/* Attendance of guest signups: a coordinator's signup for someone without
 * an account has no person to key an attendance record by, so a leader
 * marks it by the signup, one at a time (authorized on the session's facts,
 * AUTHZ_GROUP_PEOPLE). Its party counts in the reports as visits. */
#include "api.h"
#include "principal.h"

/* PUT {"status": ...}: set the record. */
void api_attendance_signup_put(struct req_ctx *ctx)
{
    api_attendance_mark(ctx, "SELECT api_attendance_signup_set($1, $2, $3, $4)");
}

/* DELETE: nothing recorded for the guest any more. */
void api_attendance_signup_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->params[0], ctx->params[1], NULL, ctx->principal->person_id };
    api_attendance_query(ctx, "SELECT api_attendance_signup_set($1, $2, $3, $4)", 4, params);
}
