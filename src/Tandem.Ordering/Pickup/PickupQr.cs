using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;
using Tandem.Kernel.Http;
using Tandem.Ordering.Orders;

namespace Tandem.Ordering.Pickup;

/// <summary>The consumer's pickup QR code, <c>tandem:pickup:{orderId}:{pickupCode}</c>, once the order is paid.</summary>
internal static class PickupQr
{
    public static string Content(Order order) => $"tandem:pickup:{order.Id}:{order.PickupCode}";

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Svg(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, CancellationToken ct) =>
        await RenderAsync(orderId, user, access, "image/svg+xml", data => System.Text.Encoding.UTF8.GetBytes(new SvgQRCode(data).GetGraphic(8)), ct);

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Png(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, CancellationToken ct) =>
        await RenderAsync(orderId, user, access, "image/png", data => new PngByteQRCode(data).GetGraphic(10), ct);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> RenderAsync(
        Guid orderId, ClaimsPrincipal user, OrderAccess access, string contentType, Func<QRCodeData, byte[]> render, CancellationToken ct)
    {
        var (order, problem) = await access.LoadForConsumerAsync(orderId, user, ct);
        if (order is null)
        {
            return problem!;
        }

        if (!order.PickupCodeVisible)
        {
            return ApiProblem.NotFound("The pickup code exists once the order is paid.");
        }

        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(Content(order), QRCodeGenerator.ECCLevel.M);
        return TypedResults.File(render(data), contentType);
    }
}
