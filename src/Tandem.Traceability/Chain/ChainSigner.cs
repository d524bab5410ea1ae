using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Tandem.Kernel.Persistence;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Chain;

/// <summary>
/// Signs chain heads with the platform's ECDSA P-256 key. The key is made on first use and kept in the
/// database, its private half encrypted with ASP.NET Data Protection (whose keys also live in the database).
/// A signature covers the UTF-8 text <c>tandem-chain-head/1\n{merchantId}\n{sequence}\n{hash}\n{signedAt}</c>,
/// SHA-256, IEEE P1363 (r||s), base64.
/// </summary>
internal sealed class ChainSigner(TandemDbContext db, IDataProtectionProvider protection, TimeProvider clock)
{
    private const string Purpose = "Tandem.Traceability.ChainSigningKey";

    public static string Statement(Guid merchantId, long seq, string hash, DateTime signedAt) =>
        string.Join('\n', "tandem-chain-head/1", merchantId.ToString("D"), seq.ToString(CultureInfo.InvariantCulture), hash, HashChain.FormatTime(signedAt));

    public async Task<(string KeyId, ECDsa Key)> KeyAsync(CancellationToken ct)
    {
        var protector = protection.CreateProtector(Purpose);
        var stored = await db.Set<SigningKey>().AsNoTracking().OrderBy(k => k.CreatedAt).FirstOrDefaultAsync(ct);
        if (stored is not null)
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(stored.ProtectedPrivateKey)), out _);
            return (stored.KeyId, key);
        }

        var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicPem = created.ExportSubjectPublicKeyInfoPem();
        var keyId = HashChain.Sha256(publicPem)[..16];
        db.Add(new SigningKey
        {
            KeyId = keyId,
            PublicKeyPem = publicPem,
            ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(created.ExportPkcs8PrivateKey())),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return (keyId, created);
        }
        catch (DbUpdateException)
        {
            // Another host made the key first: use theirs.
            db.ChangeTracker.Clear();
            created.Dispose();
            return await KeyAsync(ct);
        }
    }

    /// <summary>Signs every merchant's head that moved since its last checkpoint. Returns how many were signed.</summary>
    public async Task<int> PublishAsync(CancellationToken ct)
    {
        var heads = await db.Set<MerchantChain>().AsNoTracking().ToListAsync(ct);
        var latest = await db.Set<ChainCheckpoint>().AsNoTracking()
            .GroupBy(c => c.MerchantId).Select(g => new { MerchantId = g.Key, Seq = g.Max(c => c.Seq) })
            .ToDictionaryAsync(x => x.MerchantId, x => x.Seq, ct);
        var moved = heads.Where(h => !latest.TryGetValue(h.MerchantId, out var seq) || seq < h.LastSeq).ToList();
        if (moved.Count == 0)
        {
            return 0;
        }

        var (keyId, key) = await KeyAsync(ct);
        using (key)
        {
            var now = HashChain.Truncate(clock.GetUtcNow().UtcDateTime);
            foreach (var head in moved)
            {
                var signature = key.SignData(Encoding.UTF8.GetBytes(Statement(head.MerchantId, head.LastSeq, head.LastHash, now)), HashAlgorithmName.SHA256);
                db.Add(new ChainCheckpoint
                {
                    MerchantId = head.MerchantId,
                    Seq = head.LastSeq,
                    Hash = head.LastHash,
                    SignedAt = now,
                    KeyId = keyId,
                    Signature = Convert.ToBase64String(signature),
                });
            }

            await db.SaveChangesAsync(ct);
            return moved.Count;
        }
    }
}
