namespace BookingPortal.Domain.Common;

/// <summary>Messages per request field, in the shape problem details' <c>errors</c> member wants.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public bool IsEmpty => _byField.Count == 0;

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages))
        {
            _byField[field] = messages = [];
        }

        if (!messages.Contains(message))
        {
            messages.Add(message);
        }
    }

    public ValidationErrors Merge(ValidationErrors other)
    {
        foreach (var (field, messages) in other._byField)
        {
            messages.ForEach(m => Add(field, m));
        }

        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    public override string ToString() => string.Join("; ", _byField.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}")));
}
