using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tandem.Kernel;
using Tandem.Kernel.Http;
using Tandem.Payments.Contracts;
using Tandem.Payments.Processing;

namespace Tandem.Payments.Sandbox;

public sealed record CallbackResponse(string NotificationId, string Result);

/// <summary>
/// <c>POST /api/v1/payments/callbacks/sandbox</c>: the sandbox reports a payment. The signature is checked over the raw
/// body before anything is read; a bad or missing one is 401 and changes nothing.
/// </summary>
internal static class SandboxCallback
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task<Results<Ok<CallbackResponse>, ProblemHttpResult>> Handle(
        HttpRequest request, IOptions<SandboxOptions> options, ProviderNotifications notifications, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "A callback body is at most 64 KiB.");
        }

        if (!SandboxSignature.Verify(options.Value.Secret ?? "", body, request.Headers[SandboxSignature.Header].ToString()))
        {
            return ApiProblem.Unauthenticated("The X-Tandem-Signature header is missing or does not match the body.");
        }

        if (Parse(body, out var errors) is not { } notification)
        {
            return ApiProblem.Validation(errors);
        }

        var result = await notifications.ApplyAsync(notification, ct);
        if (result == NotificationResult.AmountMismatch)
        {
            return ApiProblem.Conflict("amount_mismatch", "The notified amount is not the payment's amount; nothing was changed.");
        }

        return TypedResults.Ok(new CallbackResponse(notification.NotificationId, result.ToString().ToLowerInvariant()));
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    internal static ProviderNotification? Parse(byte[] body, out Dictionary<string, string[]> errors)
    {
        errors = [];
        SandboxNotificationBody? parsed = null;
        try
        {
            parsed = JsonSerializer.Deserialize<SandboxNotificationBody>(body, SandboxNotifier.Json);
        }
        catch (JsonException)
        {
            errors["body"] = ["is not a sandbox notification"];
            return null;
        }

        if (parsed is null)
        {
            errors["body"] = ["is required"];
            return null;
        }

        if (string.IsNullOrWhiteSpace(parsed.NotificationId) || parsed.NotificationId.Length > 100)
        {
            errors["notificationId"] = ["must be 1 to 100 characters"];
        }

        if (parsed.PaymentId == Guid.Empty)
        {
            errors["paymentId"] = ["is required"];
        }

        if (parsed.OrderId == Guid.Empty)
        {
            errors["orderId"] = ["is required"];
        }

        PaymentStatus? status = parsed.Status switch
        {
            "pending" => PaymentStatus.Pending,
            "succeeded" => PaymentStatus.Succeeded,
            "declined" => PaymentStatus.Declined,
            _ => null,
        };
        if (status is null)
        {
            errors["status"] = ["must be pending, succeeded or declined"];
        }

        if (parsed.Amount is not { Amount: { } amount, Currency: { Length: > 0 } currency })
        {
            errors["amount"] = ["must be {amount, currency}"];
            return null;
        }

        return errors.Count > 0
            ? null
            : new ProviderNotification(parsed.NotificationId, "sandbox", parsed.PaymentId, parsed.OrderId, status!.Value, new Money(amount, currency));
    }
}
