using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tandem.Kernel.Http;

namespace Tandem.Host.Hosting;

/// <summary>
/// Adds what every operation shares to the OpenAPI document: the bearer requirement for
/// non-public endpoints, who may call it, and the problem+json answers it can give.
/// </summary>
internal sealed class ApiOperations : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var access = metadata.OfType<EndpointAccess>().FirstOrDefault();
        operation.Responses ??= [];

        if (access is not null)
        {
            var who = access.Audience switch
            {
                Audience.Public => "Public: no token needed.",
                Audience.Consumer => "Any signed-in user, for themselves.",
                Audience.MerchantStaff => $"Staff of the owning merchant with the `{access.MinimumRole}` role or higher; anyone else gets 404.",
                Audience.Platform => "Platform roles only (admin, courier or regulator as the endpoint says).",
                Audience.Machine => "Machine callers that authenticate another way (e.g. a provider's signature).",
                _ => null,
            };
            operation.Description = string.IsNullOrEmpty(operation.Description) ? who : $"{operation.Description}\n\n{who}";

            if (access.Audience is not (Audience.Public or Audience.Machine))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] });
                AddProblem(operation, "401", "unauthenticated: missing, bad or expired token");
            }

            if (access.Audience is Audience.MerchantStaff or Audience.Platform)
            {
                AddProblem(operation, "403", "forbidden: your role may not do this");
            }
        }

        if (metadata.OfType<IAcceptsMetadata>().Any())
        {
            AddProblem(operation, "400", "validation_failed (with errors by field), invalid_json, or a specific code");
            AddProblem(operation, "415", "unsupported_media_type: send application/json");
        }

        AddProblem(operation, "404", "not_found — also for what belongs to another merchant or consumer");
        AddProblem(operation, "429", "rate_limited, with Retry-After");
        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = $"application/problem+json (RFC 9457) with `code`: {description}",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
        };
    }
}
