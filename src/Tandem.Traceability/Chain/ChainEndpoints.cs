using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tandem.Identity.Contracts;
using Tandem.Kernel.Persistence;
using Tandem.Merchants.Contracts;
using Tandem.Traceability.Data;

namespace Tandem.Traceability.Chain;

public sealed record ChainHeadDto(Guid MerchantId, long Sequence, string Hash, DateTime SignedAt, string KeyId, string Signature);

public sealed record ChainHeadsResponse(string KeyId, string PublicKeyPem, string Algorithm, string Statement, IReadOnlyList<ChainHeadDto> Heads);

public sealed record ChainBreakDto(long Sequence, string? EventID, string Reason, string? Expected, string? Actual);

public sealed record ChainVerificationResponse(
    Guid MerchantId, bool Intact, long EventsChecked, long HeadSequence, string HeadHash, int CheckpointsChecked, ChainBreakDto? FirstBreak);

public sealed record PublishResponse(int HeadsSigned);

/// <summary>Published chain heads (public) and the verification of a merchant's chain (its staff, or a regulator).</summary>
internal static class ChainEndpoints
{
    private const int Batch = 2000;

    public static async Task<Ok<ChainHeadsResponse>> Heads(Guid? merchantId, TandemDbContext db, ChainSigner signer, CancellationToken ct)
    {
        var (keyId, key) = await signer.KeyAsync(ct);
        using (key)
        {
            var checkpoints = db.Set<ChainCheckpoint>().AsNoTracking();
            List<ChainCheckpoint> heads;
            if (merchantId is { } m)
            {
                heads = await checkpoints.Where(c => c.MerchantId == m).OrderByDescending(c => c.Seq).Take(100).ToListAsync(ct);
            }
            else
            {
                var latest = checkpoints.GroupBy(c => c.MerchantId).Select(g => g.Max(c => c.Id));
                heads = await checkpoints.Where(c => latest.Contains(c.Id)).OrderBy(c => c.MerchantId).ToListAsync(ct);
            }

            return TypedResults.Ok(new ChainHeadsResponse(
                keyId, key.ExportSubjectPublicKeyInfoPem(), "ECDSA P-256, SHA-256, IEEE P1363 signature (r||s), base64",
                "tandem-chain-head/1\\n{merchantId}\\n{sequence}\\n{hash}\\n{signedAt yyyy-MM-ddTHH:mm:ss.ffffffZ}",
                heads.Select(c => new ChainHeadDto(c.MerchantId, c.Seq, c.Hash, c.SignedAt, c.KeyId, c.Signature)).ToList()));
        }
    }

    public static async Task<Ok<PublishResponse>> Publish(ChainSigner signer, CancellationToken ct) =>
        TypedResults.Ok(new PublishResponse(await signer.PublishAsync(ct)));

    /// <summary>Recomputes the chain from the stored events, batch by batch, and checks it against the signed checkpoints.</summary>
    public static async Task<Results<Ok<ChainVerificationResponse>, ProblemHttpResult>> Verify(
        Guid merchantId, ClaimsPrincipal principal, IMerchantAccess access, TandemDbContext db, CancellationToken ct)
    {
        if (!principal.IsInRole(PlatformRoles.Regulator) && await access.CheckAsync(principal, merchantId, MerchantRole.Staff, ct) is { } denied)
        {
            return denied;
        }

        var checkpoints = await db.Set<ChainCheckpoint>().AsNoTracking().Where(c => c.MerchantId == merchantId).ToListAsync(ct);
        var byKey = await db.Set<SigningKey>().AsNoTracking().ToDictionaryAsync(k => k.KeyId, k => k.PublicKeyPem, ct);
        var expectedAt = new Dictionary<long, string>();
        ChainBreakDto? firstBreak = null;
        foreach (var c in checkpoints.OrderBy(c => c.Seq))
        {
            if (!byKey.TryGetValue(c.KeyId, out var pem) || !SignatureValid(pem, c))
            {
                firstBreak ??= new ChainBreakDto(c.Seq, null, "A published checkpoint's signature does not verify.", null, c.Signature);
                continue;
            }

            expectedAt[c.Seq] = c.Hash;
        }

        var previous = HashChain.Genesis;
        long seq = 0, checkedEvents = 0;
        while (firstBreak is null)
        {
            var from = seq;
            var batch = await db.Set<StoredEvent>().AsNoTracking().Where(e => e.MerchantId == merchantId && e.ChainSeq > from)
                .OrderBy(e => e.ChainSeq).Take(Batch).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var e in batch)
            {
                checkedEvents++;
                if (e.ChainSeq != seq + 1)
                {
                    firstBreak = new ChainBreakDto(seq + 1, null, "An event is missing from the chain.", null, null);
                    break;
                }

                if (e.PrevHash != previous)
                {
                    firstBreak = new ChainBreakDto(e.ChainSeq, e.EventId, "The event does not point at its predecessor's hash.", previous, e.PrevHash);
                    break;
                }

                var recomputed = HashChain.Link(merchantId, e.ChainSeq, e.EventId, e.RecordTime, e.Json, e.Context, previous);
                if (recomputed != e.Hash)
                {
                    firstBreak = new ChainBreakDto(e.ChainSeq, e.EventId, "The event's content no longer matches its hash.", recomputed, e.Hash);
                    break;
                }

                if (expectedAt.TryGetValue(e.ChainSeq, out var signedHash) && signedHash != e.Hash)
                {
                    firstBreak = new ChainBreakDto(e.ChainSeq, e.EventId, "The chain differs from the signed, published head at this point.", signedHash, e.Hash);
                    break;
                }

                previous = e.Hash;
                seq = e.ChainSeq;
            }
        }

        if (firstBreak is null && expectedAt.Keys.Any(s => s > seq))
        {
            var missing = expectedAt.Keys.Where(s => s > seq).Min();
            firstBreak = new ChainBreakDto(seq + 1, null, $"A signed head at sequence {missing} names events that are no longer stored.", expectedAt[missing], null);
        }

        return TypedResults.Ok(new ChainVerificationResponse(merchantId, firstBreak is null, checkedEvents, seq, previous, checkpoints.Count, firstBreak));
    }

    private static bool SignatureValid(string pem, ChainCheckpoint c)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        try
        {
            return key.VerifyData(Encoding.UTF8.GetBytes(ChainSigner.Statement(c.MerchantId, c.Seq, c.Hash, c.SignedAt)), Convert.FromBase64String(c.Signature), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
