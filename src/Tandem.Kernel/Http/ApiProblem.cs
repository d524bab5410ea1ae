using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tandem.Kernel.Http;

/// <summary>
/// RFC 9457 problem results with the stable snake_case <c>code</c> that API.md promises.
/// Every failure an endpoint returns goes through here, so the shape never drifts.
/// </summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleFor(status),
            Detail = detail,
            Type = $"https://tandem.dev/problems/{code.Replace('_', '-')}",
        };
        problem.Extensions["code"] = code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult NotFound(string detail = "The resource does not exist.") =>
        Create(StatusCodes.Status404NotFound, "not_found", detail);

    public static ProblemHttpResult Forbidden(string detail = "Your role may not do this.") =>
        Create(StatusCodes.Status403Forbidden, "forbidden", detail);

    public static ProblemHttpResult Unauthenticated(string detail = "Sign in first.") =>
        Create(StatusCodes.Status401Unauthorized, "unauthenticated", detail);

    public static ProblemHttpResult Conflict(string code, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, code, detail, extensions);

    /// <summary>400 <c>invalid_phone</c>: not a mainland China mobile number (see <see cref="PhoneNumber"/>).</summary>
    public static ProblemHttpResult InvalidPhone(string field = "phone") =>
        BadRequest("invalid_phone", "The phone must be a mainland China mobile number, 11 digits starting 13-19.", field);

    public static ProblemHttpResult BadRequest(string code, string detail, string? field = null)
    {
        if (field is null)
        {
            return Create(StatusCodes.Status400BadRequest, code, detail);
        }

        return Create(StatusCodes.Status400BadRequest, code, detail, new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { [field] = [detail] },
        });
    }

    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        Create(StatusCodes.Status400BadRequest, "validation_failed", "The request has invalid fields.", new Dictionary<string, object?>
        {
            ["errors"] = errors,
        });

    public static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthenticated",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        500 => "Internal error",
        503 => "Service unavailable",
        _ => "Error",
    };

    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        409 => "conflict",
        411 => "length_required",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        503 => "unavailable",
        _ => "internal_error",
    };
}
