using System.Globalization;
using System.Text.Json.Nodes;

namespace BookingPortal.Tests.Fakes.Graph;

/// <summary>
/// The fake's mailboxes, events, delta rounds and subscriptions behind one lock, and the Graph JSON they render to.
/// Every change of an event takes the next store-wide change number, which is all a delta round needs to remember.
/// </summary>
internal sealed class FakeGraphStore
{
    private sealed record Mailbox(string Address, string DisplayName, MailboxAccess Access);

    /// <summary>A delta round in progress: the items it found when it began, paged out from <see cref="Offset"/>.</summary>
    private sealed record Round(string Mailbox, DateTimeOffset From, DateTimeOffset To, long UpTo, IReadOnlyList<JsonObject> Items, int Offset);

    /// <summary>What a deltaLink stands for: the window, and the change number the round before it ended at.</summary>
    private sealed record DeltaState(string Mailbox, DateTimeOffset From, DateTimeOffset To, long Since);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Mailbox> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FakeGraphEvent> _events = [];
    private readonly Dictionary<string, Round> _rounds = [];
    private readonly Dictionary<string, DeltaState> _deltaStates = [];
    private readonly Dictionary<string, FakeGraphSubscription> _subscriptions = [];
    private long _version;

    /// <summary>Raised outside the lock after each change: mailbox, event id, "created" | "updated" | "deleted".</summary>
    public event Action<string, string, string>? Changed;

    public void AddMailbox(string address, string displayName, MailboxAccess access)
    {
        lock (_lock)
        {
            _mailboxes[address] = new Mailbox(address, displayName, access);
        }
    }

    /// <summary>Null when the app may use the mailbox; otherwise Graph's error for it.</summary>
    public (int Status, string Code, string Message)? Refusal(string address)
    {
        lock (_lock)
        {
            return _mailboxes.TryGetValue(address, out var mailbox)
                ? mailbox.Access is MailboxAccess.Forbidden ? (403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.") : null
                : (404, "ErrorInvalidUser", $"The requested user '{address}' is invalid.");
        }
    }

    public JsonObject Calendar(string address)
    {
        lock (_lock)
        {
            var mailbox = _mailboxes[address];
            return new JsonObject
            {
                ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#users('{mailbox.Address}')/calendar/$entity",
                ["id"] = "AAMkCal" + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(mailbox.Address)),
                ["name"] = "Calendar",
                ["canEdit"] = true,
                ["canShare"] = true,
                ["owner"] = new JsonObject { ["name"] = mailbox.DisplayName, ["address"] = mailbox.Address },
            };
        }
    }

    public string DisplayName(string address)
    {
        lock (_lock)
        {
            return _mailboxes[address].DisplayName;
        }
    }

    public IReadOnlyList<FakeGraphEvent> Events(string mailbox)
    {
        lock (_lock)
        {
            return _events.Values.Where(e => Same(e.Mailbox, mailbox) && !e.Deleted).OrderBy(e => e.Version).ToList();
        }
    }

    public FakeGraphEvent? Find(string mailbox, string id)
    {
        lock (_lock)
        {
            return _events.TryGetValue(id, out var e) && Same(e.Mailbox, mailbox) && !e.Deleted ? e : null;
        }
    }

    /// <summary>
    /// Stores a new event, unless a live one in the mailbox has the same <c>transactionId</c>: then that one is the
    /// answer, as Graph avoids the redundant POST of a client's retry.
    /// </summary>
    public FakeGraphEvent Create(FakeGraphEvent draft)
    {
        FakeGraphEvent stored;
        lock (_lock)
        {
            var earlier = draft.TransactionId is null
                ? null
                : _events.Values.FirstOrDefault(e => Same(e.Mailbox, draft.Mailbox) && !e.Deleted && e.TransactionId == draft.TransactionId);
            if (earlier is not null)
            {
                return earlier;
            }

            stored = draft with { Id = "AAMkEv" + Guid.NewGuid().ToString("N"), Version = ++_version, ChangeKey = NewChangeKey() };
            _events[stored.Id] = stored;
        }

        Changed?.Invoke(stored.Mailbox, stored.Id, "created");
        return stored;
    }

    public FakeGraphEvent? Update(string mailbox, string id, Func<FakeGraphEvent, FakeGraphEvent> change)
    {
        FakeGraphEvent updated;
        lock (_lock)
        {
            if (!_events.TryGetValue(id, out var current) || !Same(current.Mailbox, mailbox) || current.Deleted)
            {
                return null;
            }

            updated = change(current) with { Version = ++_version, ChangeKey = NewChangeKey() };
            _events[id] = updated;
        }

        Changed?.Invoke(mailbox, id, "updated");
        return updated;
    }

    public bool Delete(string mailbox, string id)
    {
        lock (_lock)
        {
            if (!_events.TryGetValue(id, out var current) || !Same(current.Mailbox, mailbox) || current.Deleted)
            {
                return false;
            }

            _events[id] = current with { Deleted = true, Version = ++_version };
        }

        Changed?.Invoke(mailbox, id, "deleted");
        return true;
    }

    /// <summary>A full read of the window: every live event in it, paged from the start.</summary>
    public JsonObject StartDelta(string mailbox, DateTimeOffset from, DateTimeOffset to, int pageSize, string linkBase)
    {
        lock (_lock)
        {
            var items = _events.Values
                .Where(e => Same(e.Mailbox, mailbox) && !e.Deleted && e.Overlaps(from, to))
                .OrderBy(e => e.Version)
                .Select(e => Render(e, withExtendedProperties: false))
                .ToList();
            return Page(new Round(mailbox, from, to, _version, items, 0), pageSize, linkBase);
        }
    }

    /// <summary>The next page of a round; null when the token is unknown (invalidated): Graph answers 410.</summary>
    public JsonObject? ContinueDelta(string skipToken, int pageSize, string linkBase)
    {
        lock (_lock)
        {
            return _rounds.Remove(skipToken, out var round) ? Page(round, pageSize, linkBase) : null;
        }
    }

    /// <summary>
    /// A round of what changed since the deltaLink was given: changed events still in the window in full, deleted
    /// ones and ones moved out of it as <c>@removed</c>.
    /// </summary>
    public JsonObject? IncrementalDelta(string deltaToken, int pageSize, string linkBase)
    {
        lock (_lock)
        {
            if (!_deltaStates.TryGetValue(deltaToken, out var state))
            {
                return null;
            }

            var items = _events.Values
                .Where(e => Same(e.Mailbox, state.Mailbox) && e.Version > state.Since)
                .OrderBy(e => e.Version)
                .Select(e => e.Deleted || !e.Overlaps(state.From, state.To) ? Removed(e.Id) : Render(e, withExtendedProperties: false))
                .ToList();
            return Page(new Round(state.Mailbox, state.From, state.To, _version, items, 0), pageSize, linkBase);
        }
    }

    public void InvalidateDeltaTokens()
    {
        lock (_lock)
        {
            _rounds.Clear();
            _deltaStates.Clear();
        }
    }

    public FakeGraphSubscription AddSubscription(FakeGraphSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions[subscription.Id] = subscription;
            return subscription;
        }
    }

    public FakeGraphSubscription? Subscription(string id)
    {
        lock (_lock)
        {
            return _subscriptions.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<FakeGraphSubscription> Subscriptions(string? mailbox = null)
    {
        lock (_lock)
        {
            return _subscriptions.Values.Where(s => mailbox is null || Same(s.Mailbox, mailbox)).ToList();
        }
    }

    public FakeGraphSubscription? Renew(string id, DateTimeOffset expires)
    {
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(id, out var current))
            {
                return null;
            }

            return _subscriptions[id] = current with { Expires = expires };
        }
    }

    public bool RemoveSubscription(string id)
    {
        lock (_lock)
        {
            return _subscriptions.Remove(id);
        }
    }

    public static JsonObject Render(FakeGraphEvent e, bool withExtendedProperties)
    {
        var json = new JsonObject
        {
            ["@odata.etag"] = $"W/\"{e.ChangeKey}\"",
            ["id"] = e.Id,
            ["changeKey"] = e.ChangeKey,
            ["subject"] = e.Subject,
            ["start"] = When(e.Start),
            ["end"] = When(e.End),
            ["showAs"] = e.ShowAs,
            ["isCancelled"] = false,
            ["type"] = "singleInstance",
            ["location"] = new JsonObject { ["displayName"] = e.Location ?? "" },
            ["organizer"] = new JsonObject
            {
                ["emailAddress"] = new JsonObject { ["name"] = e.OrganizerName, ["address"] = e.OrganizerAddress },
            },
            ["attendees"] = new JsonArray(e.Attendees.Select(a => (JsonNode)new JsonObject
            {
                ["type"] = a.Type,
                ["status"] = new JsonObject { ["response"] = "none", ["time"] = "0001-01-01T00:00:00Z" },
                ["emailAddress"] = new JsonObject { ["name"] = a.Name ?? a.Address, ["address"] = a.Address },
            }).ToArray()),
        };
        // Graph returns only what the app set, and extended properties only when asked for by $expand.
        if (e.TransactionId is not null)
        {
            json["transactionId"] = e.TransactionId;
        }

        if (withExtendedProperties)
        {
            json["singleValueExtendedProperties"] = new JsonArray(e.ExtendedProperties
                .Select(p => (JsonNode)new JsonObject { ["id"] = p.Key, ["value"] = p.Value }).ToArray());
        }

        return json;
    }

    private JsonObject Page(Round round, int pageSize, string linkBase)
    {
        var items = round.Items.Skip(round.Offset).Take(pageSize).Select(i => i.DeepClone()).ToArray();
        var page = new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Collection(event)",
            ["value"] = new JsonArray(items),
        };
        if (round.Offset + pageSize < round.Items.Count)
        {
            var skipToken = NewToken();
            _rounds[skipToken] = round with { Offset = round.Offset + pageSize };
            page["@odata.nextLink"] = $"{linkBase}?$skiptoken={skipToken}";
        }
        else
        {
            var deltaToken = NewToken();
            _deltaStates[deltaToken] = new DeltaState(round.Mailbox, round.From, round.To, round.UpTo);
            page["@odata.deltaLink"] = $"{linkBase}?$deltatoken={deltaToken}";
        }

        return page;
    }

    private static JsonObject Removed(string id) => new()
    {
        ["@odata.type"] = "#microsoft.graph.event",
        ["id"] = id,
        ["@removed"] = new JsonObject { ["reason"] = "deleted" },
    };

    private static JsonObject When(DateTimeOffset instant) => new()
    {
        ["dateTime"] = instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        ["timeZone"] = "UTC",
    };

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string NewChangeKey() => Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..22];

    private static string NewToken() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
}
