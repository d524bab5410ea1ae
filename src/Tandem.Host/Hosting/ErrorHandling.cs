using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Tandem.Kernel.Http;

namespace Tandem.Host.Hosting;

/// <summary>
/// Turns every failure the framework produces (unreadable JSON, wrong types, wrong content type,
/// unknown routes, wrong methods, unexpected exceptions) into the problem+json API.md promises.
/// </summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            JsonException json => FromJson(json),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };

        if (problem is null)
        {
            if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            logger.LogError(exception, "Unhandled exception on {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = ApiProblem.Create(StatusCodes.Status500InternalServerError, "internal_error",
                "Something went wrong on our side. Nothing was changed; try again.");
        }

        await problem.ExecuteAsync(http);
        return true;
    }

    private static ProblemHttpResult FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            return FromJson(json);
        }

        switch (bad.StatusCode)
        {
            case StatusCodes.Status415UnsupportedMediaType:
                return ApiProblem.Create(415, "unsupported_media_type", "Send the body as application/json.");
            case StatusCodes.Status413PayloadTooLarge:
                return ApiProblem.Create(413, "payload_too_large", "The request body is too large.");
        }

        var message = bad.Message;
        if (message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Required parameter", StringComparison.OrdinalIgnoreCase) && message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblem.Create(400, "invalid_json", "A JSON body is required.");
        }

        var parameter = ParameterName().Match(message);
        if (parameter.Success)
        {
            var name = parameter.Groups["name"].Value;
            return ApiProblem.Validation(new Dictionary<string, string[]> { [name] = [$"'{name}' has an invalid value"] });
        }

        var missing = MissingParameter().Match(message);
        if (missing.Success)
        {
            var name = missing.Groups["name"].Value;
            return ApiProblem.Validation(new Dictionary<string, string[]> { [name] = ["is required"] });
        }

        return ApiProblem.Create(bad.StatusCode, ApiProblem.CodeFor(bad.StatusCode), "The request could not be read.");
    }

    private static ProblemHttpResult FromJson(JsonException json)
    {
        // A well-formed document with a value of the wrong type names the field; broken syntax does not.
        var field = FieldFromPath(json.Path);
        if (field is not null && json.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { [field] = ["has the wrong type or is out of range"] });
        }

        if (json.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblem.Create(400, "invalid_json",
                field is null ? "The JSON body repeats a property." : $"The JSON body repeats the property '{field}'.");
        }

        return ApiProblem.Create(400, "invalid_json", "The request body is not valid JSON.");
    }

    /// <summary><c>$.lines[0].quantity</c> becomes <c>lines[0].quantity</c>; the root is null.</summary>
    internal static string? FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    [GeneratedRegex("""Failed to bind parameter "(?:\S+\s+)?(?<name>[^"\s]+)" from""")]
    private static partial Regex ParameterName();

    [GeneratedRegex("""Required parameter "(?:\S+\s+)?(?<name>[^"\s]+)" was not provided""")]
    private static partial Regex MissingParameter();
}

internal static class ErrorHandling
{
    public static IServiceCollection AddTandemErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Binding failures become exceptions the handler above can name, instead of a bare 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseTandemErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0 || !string.IsNullOrEmpty(http.Response.ContentType))
            {
                return;
            }

            var status = http.Response.StatusCode;
            var detail = status switch
            {
                404 => $"No resource at {http.Request.Path}.",
                405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
                415 => "Send the body as application/json.",
                _ => ApiProblem.TitleFor(status),
            };
            await ApiProblem.Create(status, ApiProblem.CodeFor(status), detail).ExecuteAsync(http);
        });
        return app;
    }
}
