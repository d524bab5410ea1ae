using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tandem.Kernel.Http;
using Tandem.Kernel.Persistence;
using Tandem.Payments.Contracts;
using Tandem.Payments.Data;
using Tandem.Payments.Processing;
using Tandem.Payments.Providers;
using Tandem.Payments.Sandbox;

namespace Tandem.Payments;

/// <summary>Payments of orders through providers (the sandbox in v1), their signed callbacks, and refunds.</summary>
public static class PaymentsModule
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IModuleModel, PaymentsModel>();
        services.Configure<PaymentsOptions>(configuration.GetSection("Tandem:Payments"));
        services.AddOptions<SandboxOptions>()
            .Bind(configuration.GetSection("Tandem:Payments:Sandbox"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Secret), "Tandem:Payments:Sandbox:Secret is required: it signs the sandbox's payment callbacks.")
            .ValidateOnStart();
        // The notifier logs what matters (refused or unreachable callbacks); the factory's per-request logging
        // handlers would only add two scopes and four log checks to every callback of every checkout.
        services.AddHttpClient(SandboxNotifier.HttpClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<IOptions<SandboxOptions>>().Value.CallbackTimeout)
            .RemoveAllLoggers();

        services.AddScoped<PaymentService>();
        services.AddScoped<IPayments>(sp => sp.GetRequiredService<PaymentService>());
        services.AddScoped<ProviderNotifications>();
        services.AddSingleton<SandboxNotifier>();
        services.AddSingleton<SandboxProvider>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SandboxProvider>());
        services.AddHostedService<PaymentRetries>();
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        app.MapPost(SandboxNotifier.CallbackPath, SandboxCallback.Handle)
            .ForMachines()
            .WithTags("Payments").WithName("SandboxCallback")
            .WithSummary("The sandbox provider reports a payment; signed with HMAC-SHA256 in X-Tandem-Signature.");

        var sandbox = app.MapGroup("/api/v1/payments/sandbox/{paymentId:guid}").WithTags("Payments").ForConsumers();
        sandbox.MapGet("", SandboxControl.Ledger)
            .WithName("GetSandboxPayment").WithSummary("The sandbox provider's own record of a payment, refunds and notifications (payer).");
        sandbox.MapPost("/settle", SandboxControl.Settle)
            .WithName("SettleSandboxPayment").WithSummary("Test control: the payer approves or declines a delayed sandbox payment.");
        sandbox.MapPost("/redeliver", SandboxControl.Redeliver)
            .WithName("RedeliverSandboxNotifications").WithSummary("Test control: send a payment's notifications again, repeated or in reverse order.");
        return app;
    }
}
