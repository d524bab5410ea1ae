using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tandem.Host.Hosting;

/// <summary>Describes the API for partners: what it is, how to authenticate, how errors look.</summary>
internal sealed class ApiDocument : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Tandem API";
        document.Info.Version = "v1";
        document.Info.Description =
            "Tandem lets shops trade online and at the counter from one stock. " +
            "JSON is camelCase; money is {amount, currency} in minor units (fen); locations are WGS 84 {lat, lng}. " +
            "Authenticate with `Authorization: Bearer <accessToken>` from /api/v1/auth/login. " +
            "Every error is application/problem+json with a stable snake_case `code`.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An access token from /api/v1/auth/register or /api/v1/auth/login.",
        };
        return Task.CompletedTask;
    }
}
