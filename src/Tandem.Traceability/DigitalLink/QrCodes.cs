using QRCoder;

namespace Tandem.Traceability.DigitalLink;

/// <summary>QR codes for labels: PNG (RGBA, so PDF tools can read it) and SVG, error correction M.</summary>
internal static class QrCodes
{
    private static readonly byte[] Dark = [0, 0, 0, 255];
    private static readonly byte[] Light = [255, 255, 255, 255];

    public static byte[] Png(string text, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule, Dark, Light, drawQuietZones: true);
    }

    public static string Svg(string text, int pixelsPerModule = 8)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(pixelsPerModule);
    }
}
