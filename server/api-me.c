/* SPDX-License-Identifier: Apache-2.0 */
/* The signed-in person: who they are, everything stored about them, and
 * erasing the account. */
#include "api.h"
#include "principal.h"

void api_me_get(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    api_query_json(ctx, "SELECT api_me($1)", 1, params, 200);
}

void api_me_export(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), "Content-Disposition",
        "attachment; filename=\"piiri-export.json\"");
    api_query_json(ctx, "SELECT api_export($1)", 1, params, 200);
}

void api_me_delete(struct req_ctx *ctx)
{
    const char *params[] = { ctx->principal->person_id };
    api_query_empty(ctx, "SELECT api_erase_person($1)", 1, params);
}
