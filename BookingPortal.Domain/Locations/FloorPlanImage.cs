using System.Security.Cryptography;
using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Locations;

/// <summary>
/// The picture drawn under a floor's resources. Kept in the database so every app instance serves the same one; its
/// content hash is part of the public address, which makes that address unguessable and safe to cache for ever.
/// </summary>
public sealed class FloorPlanImage
{
    public const int MaxBytes = 4 * 1024 * 1024;

    private FloorPlanImage()
    {
        ContentType = string.Empty;
        Content = [];
        Sha256 = string.Empty;
        UploadedBy = string.Empty;
    }

    private FloorPlanImage(Guid floorId, string contentType, byte[] content, string uploadedBy, DateTimeOffset now)
    {
        FloorId = floorId;
        ContentType = contentType;
        Content = content;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        UploadedBy = uploadedBy;
        UploadedAt = now;
    }

    public Guid FloorId { get; private set; }
    public string ContentType { get; private set; }
    public byte[] Content { get; private set; }
    public string Sha256 { get; private set; }
    public string UploadedBy { get; private set; }
    public DateTimeOffset UploadedAt { get; private set; }

    public string Url => $"/floorplans/{FloorId}/background/{Sha256}";

    /// <summary>Accepts PNG, JPEG and WebP, recognised by their bytes rather than by a name a browser sent.</summary>
    public static FloorPlanImage Of(Guid floorId, byte[] content, Actor by, DateTimeOffset now)
    {
        if (content.Length is 0 or > MaxBytes)
        {
            throw new DomainException($"A floor plan image must be at most {MaxBytes / (1024 * 1024)} MB.");
        }

        var type = ContentTypeOf(content) ?? throw new DomainException("A floor plan image must be a PNG, JPEG or WebP picture.");
        return new FloorPlanImage(floorId, type, content, by.UserId, now);
    }

    public static string? ContentTypeOf(ReadOnlySpan<byte> content) => content switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };
}
