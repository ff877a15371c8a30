namespace BookingPortal.Infrastructure.Catalog;

/// <summary>
/// An uploaded floor plan background. Kept in PostgreSQL rather than on one instance's disk so that every app instance
/// serves it (ADR 010); the random id is the address, <c>/floor-images/{id}</c>.
/// </summary>
public sealed class FloorImage
{
    private FloorImage()
    {
        ContentType = string.Empty;
        Content = [];
    }

    public FloorImage(Guid id, Guid floorId, string contentType, byte[] content, DateTimeOffset createdAt)
    {
        Id = id;
        FloorId = floorId;
        ContentType = contentType;
        Content = content;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid FloorId { get; private set; }
    public string ContentType { get; private set; }
    public byte[] Content { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
