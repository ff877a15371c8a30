using System.Globalization;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>Editing a series by scope: this and the following occurrences (a split), or all of them, in one transaction.</summary>
public sealed partial class BookingEngine
{
    /// <summary>
    /// Changes the addressed occurrence and every later one, or the whole series. A new time keeps each occurrence's own
    /// day and gives it the new local wall-clock start and end; "this and following" splits the series there, the rest
    /// becoming a new series linked to the old one. Occurrences that have started, or were checked in, completed or
    /// cancelled, are never rewritten, and one changed on its own keeps that change unless the whole series changes.
    /// </summary>
    public async Task<SeriesResult> ChangeSeriesAsync(ChangeSeriesCommand command, Actor actor, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (result, raced) = await RetryWhenDeadlockedAsync(() => ChangeSeriesOnceAsync(command, actor, ct), ct);
            // A clash that appeared after the check is worked around on a fresh read where the policy promised to; a
            // member changed meanwhile is no reason to refuse a caller who did not ask for one version.
            var retry = raced && attempt < AttemptsWhenRaced && result switch
            {
                SeriesResult.Conflict => command.Policy != ConflictPolicy.AllOrNothing,
                SeriesResult.Failed { Outcome: BookingResult.Stale } => command.ExpectedSeriesVersion is null,
                _ => false,
            };
            if (!retry)
            {
                return result;
            }
        }
    }

    /// <summary>What one member, or one new occurrence of a changed rule (no member), becomes.</summary>
    private sealed record SeriesTarget(Booking? Member, TimeRange Range, IReadOnlyList<Resource> Resources, string? Title, int? AttendeeCount,
        DateTimeOffset OccurrenceStart)
    {
        public bool Moves => Member is null || Member.Range != Range || !Member.ResourceIds.Order().SequenceEqual(Resources.Select(r => r.Id).Order());
    }

    private async Task<(SeriesResult, bool Raced)> ChangeSeriesOnceAsync(ChangeSeriesCommand command, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var addressed = await LoadForWriteAsync(db, command.BookingId, ct);
        if (addressed is null)
        {
            return (new SeriesResult.Failed(new BookingResult.NotFound()), false);
        }

        if (addressed.OwnerId != actor.UserId && !actor.IsAdmin)
        {
            return (new SeriesResult.Failed(new BookingResult.Forbidden("Only the owner or an admin can change this booking.")), false);
        }

        if (addressed.SeriesId is not { } seriesId)
        {
            return (Invalid("scope", "This booking is not part of a series; change it with scope 'occurrence'."), false);
        }

        var series = await db.Set<BookingSeries>().FirstOrDefaultAsync(s => s.Id == seriesId, ct);
        if (series is null)
        {
            return (Invalid("scope", "This series was booked before series could be changed as a whole; change its occurrences one by one."), false);
        }

        if (command.ExpectedSeriesVersion is { } expected && expected != series.Version)
        {
            return (new SeriesResult.Failed(new BookingResult.Stale(series.Version)), false);
        }

        var members = await db.Bookings.Include(b => b.Allocations)
            .Where(b => b.SeriesId == seriesId)
            .OrderBy(b => b.Start).ThenBy(b => b.Id)
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        var anchor = KeyOf(addressed);
        var inScope = command.OnlyFollowing ? members.Where(m => KeyOf(m) >= anchor).ToList() : members;
        if (command.OnlyFollowing && LeftAloneBecause(addressed, now) is { } why)
        {
            return (new SeriesResult.Failed(new BookingResult.Refused(
                $"This occurrence {why}, so it cannot start the change; change a later occurrence, or the whole series.")), false);
        }

        var plan = await PlanSeriesChangeAsync(db, command, series, addressed, members, inScope, now, ct);
        if (plan.Errors is { IsEmpty: false } errors)
        {
            return (Invalid(errors), false);
        }

        var choiceErrors = new ValidationErrors();
        var chosen = await ReadChoicesAsync(db, command.Choices, plan.Targets.Where(t => t.Moves).Select(t => (t.Range, t.Resources)).ToList(),
            plan.Location, plan.AttendeeCount, waitlistAllowed: false, choiceErrors, now, ct);
        if (!choiceErrors.IsEmpty)
        {
            return (Invalid(choiceErrors), false);
        }

        var clashes = await ResolveClashesAsync(db, command, plan, members, chosen, now, ct);
        if (clashes.Conflict is { } conflict)
        {
            return (new SeriesResult.Conflict(conflict), false);
        }

        var split = command.OnlyFollowing && members.Any(m => KeyOf(m) < anchor);
        var owner = new Actor(addressed.OwnerId, addressed.OwnerEmail, Roles.Staff);
        var target = series;
        if (split)
        {
            target = series.Continue(Guid.CreateVersion7(), plan.Rule, plan.First, now);
            series.EndBefore(plan.Location.LocalDay(anchor), inScope.Sum(m => m.Revision - 1));
            db.Set<BookingSeries>().Add(target);
        }
        else if (plan.Rearranged)
        {
            series.Rearrange(plan.First, plan.Rule);
        }
        else
        {
            series.Touch();
        }

        var freed = new HashSet<Guid>();
        var changed = new List<Booking>();
        foreach (var t in clashes.Applied)
        {
            if (t.Member is not { } member)
            {
                var created = Booking.Place(Guid.CreateVersion7(), owner, t.Title!, t.AttendeeCount!.Value, t.Range, t.Resources, now, seriesId: target.Id);
                db.Bookings.Add(created);
                changed.Add(created);
                continue;
            }

            var revision = member.Revision;
            freed.UnionWith(member.ResourceIds);
            member.Edit(actor, now, t.Title, t.AttendeeCount, bySeries: true);
            if (t.Moves)
            {
                member.Reschedule(actor, now, t.Range, t.Resources, bySeries: true);
            }

            if (member.Revision != revision)
            {
                changed.Add(member);
            }
        }

        foreach (var gone in plan.Dropped)
        {
            freed.UnionWith(gone.ResourceIds);
            gone.Cancel(actor, now, "No longer in the series after its rule changed.");
            changed.Add(gone);
        }

        foreach (var (member, occurrenceStart) in plan.Placed)
        {
            member.PlaceInSeries(target.Id, occurrenceStart, now);
        }

        try
        {
            await SlotLocks.SaveAsync(db, freed.Concat(changed.SelectMany(b => b.ResourceIds)), ct);
            changed.ForEach(b => b.ClearDomainEvents());
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var version = await db.Set<BookingSeries>().Where(s => s.Id == seriesId).Select(s => s.Version).FirstOrDefaultAsync(ct);
            return (new SeriesResult.Failed(new BookingResult.Stale(version)), true);
        }
        catch (DbUpdateException e) when (IsViolation(e, ExclusionViolation))
        {
            logger.LogDebug("Series {SeriesId} edit collided", seriesId);
            db.ChangeTracker.Clear();
            return (new SeriesResult.Conflict(await ExplainSeriesEditAsync(db, plan, members, chosen, now, ct)), true);
        }

        if (freed.Count > 0)
        {
            await PromotePendingAsync(freed, ct);
        }

        return (new SeriesResult.Success(new SeriesSnapshot(target.Id, changed.OrderBy(b => b.Start).Select(BookingSnapshot.Of).ToList())
        {
            Version = target.Version,
            SplitFrom = split ? series.Id : null,
            Skipped = clashes.Skipped,
            Swapped = clashes.Swapped,
            LeftAlone = plan.LeftAlone,
        }), false);
    }

    /// <summary>
    /// Where a change of several occurrences lands: the rule and first occurrence the (continued) series gets, each
    /// member's new values, new occurrences a changed rule adds, members it drops, and each member's place in the rule.
    /// </summary>
    private sealed record SeriesPlan(
        ValidationErrors? Errors,
        Location Location,
        Recurrence Rule,
        TimeRange First,
        bool Rearranged,
        IReadOnlyList<Resource> Template,
        int AttendeeCount,
        List<SeriesTarget> Targets,
        List<Booking> Dropped,
        List<(Booking Member, DateTimeOffset OccurrenceStart)> Placed,
        List<LeftAloneOccurrence> LeftAlone);

    private async Task<SeriesPlan> PlanSeriesChangeAsync(BookingDbContext db, ChangeSeriesCommand command, BookingSeries series, Booking addressed,
        List<Booking> members, List<Booking> inScope, DateTimeOffset now, CancellationToken ct)
    {
        var errors = BookingPolicy.CheckDetails(command.Title ?? addressed.Title, command.AttendeeCount ?? addressed.AttendeeCount);
        var (held, location) = await snapshots.GetAsync(db, members.SelectMany(m => m.ResourceIds).Distinct().ToList(), ct);
        var seriesLocation = location ?? throw new InvalidOperationException($"Series {series.Id} has no resources.");
        IReadOnlyList<Resource>? requested = null;
        if (command.ResourceIds is { } ids)
        {
            var (found, foundLocation) = await snapshots.GetAsync(db, ids, ct);
            errors.Merge(BookingPolicy.CheckResources(ids, found));
            if (foundLocation is { } other && other.TimeZoneId != series.TimeZoneId)
            {
                errors.Add("resourceIds", $"A series repeats in its location's time zone ({series.TimeZoneId}); choose resources there, or book a new series.");
            }

            requested = found;
            seriesLocation = foundLocation ?? seriesLocation;
        }

        var start = command.Start ?? addressed.Start;
        var end = command.End ?? addressed.End;
        if (end <= start)
        {
            errors.Add("end", "The end must be after the start.");
        }

        var template = requested ?? ResourcesOf(addressed, held);
        var attendees = command.AttendeeCount ?? addressed.AttendeeCount;
        if (!errors.IsEmpty)
        {
            return new SeriesPlan(errors, seriesLocation, series.Rule, series.First, false, template, attendees, [], [], [], []);
        }

        var wanted = new TimeRange(start, end);
        var timeChanged = wanted != addressed.Range;
        var clock = WallClock.Of(timeChanged ? wanted : series.First, seriesLocation);
        var dayShift = timeChanged ? seriesLocation.LocalDay(wanted.Start).DayNumber - seriesLocation.LocalDay(addressed.Start).DayNumber : 0;
        var rule = command.Recurrence ?? Shifted(series.Rule, dayShift);
        var planned = new Dictionary<DateOnly, TimeRange>();
        if (command.Recurrence is not null)
        {
            var from = command.OnlyFollowing ? wanted : clock.On(seriesLocation.LocalDay(series.FirstStart).AddDays(dayShift));
            var expansion = command.Recurrence.Expand(from ?? wanted, seriesLocation);
            if (expansion.Occurrences.Count == 0 && expansion.Errors.IsEmpty)
            {
                errors.Add("recurrence", "The new rule leaves no occurrence.");
            }

            errors.Merge(expansion.Errors);
            foreach (var occurrence in expansion.Occurrences)
            {
                planned[seriesLocation.LocalDay(occurrence.Start)] = occurrence;
            }
        }

        var targets = new List<SeriesTarget>();
        var dropped = new List<Booking>();
        var placed = new List<(Booking, DateTimeOffset)>();
        var leftAlone = new List<LeftAloneOccurrence>();
        var matched = new HashSet<DateOnly>();
        foreach (var member in inScope)
        {
            var day = seriesLocation.LocalDay(KeyOf(member)).AddDays(dayShift);
            TimeRange? place = command.Recurrence is null ? clock.On(day) : planned.TryGetValue(day, out var laid) ? laid : null;
            if (place is null && command.Recurrence is null)
            {
                errors.Add("start", $"On {day.ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture)} a daylight-saving change leaves no time for the new wall-clock times; choose another start time.");
                continue;
            }

            if (place is { } p)
            {
                matched.Add(day);
                placed.Add((member, p.Start));
            }

            if (LeftAloneBecause(member, now) is { } reason)
            {
                leftAlone.Add(new LeftAloneOccurrence(member.Id, member.Start, reason));
                continue;
            }

            if (place is not { } into)
            {
                dropped.Add(member);
                continue;
            }

            bool Keeps(SeriesFields field) => command.OnlyFollowing && member.Id != addressed.Id && member.OwnChanges.HasFlag(field);
            var range = member.Range;
            if (member.Id == addressed.Id)
            {
                range = wanted;
            }
            else if (!Keeps(SeriesFields.Time) && command.Recurrence is not null)
            {
                range = into;
            }
            else if (!Keeps(SeriesFields.Time) && timeChanged)
            {
                // Its own day, which differs from the rule's where the occurrence was moved on its own.
                var ownDay = seriesLocation.LocalDay(member.Start).AddDays(dayShift);
                if (clock.On(ownDay) is not { } moved)
                {
                    errors.Add("start", $"On {ownDay.ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture)} a daylight-saving change leaves no time for the new wall-clock times; choose another start time.");
                    continue;
                }

                range = moved;
            }

            targets.Add(new SeriesTarget(member, range,
                requested is not null && !Keeps(SeriesFields.Resources) ? requested : ResourcesOf(member, held),
                command.Title is not null && !Keeps(SeriesFields.Title) ? command.Title : null,
                command.AttendeeCount is not null && !Keeps(SeriesFields.AttendeeCount) ? command.AttendeeCount : null,
                into.Start));
        }

        foreach (var (day, occurrence) in planned.Where(p => !matched.Contains(p.Key) && p.Value.Start > now).OrderBy(p => p.Key))
        {
            targets.Add(new SeriesTarget(null, occurrence, template, command.Title ?? addressed.Title, attendees, occurrence.Start));
        }

        foreach (var group in targets.Where(t => t.Moves || t.AttendeeCount is not null)
                     .GroupBy(t => (Ids: string.Join(",", t.Resources.Select(r => r.Id).Order()), Attendees: t.AttendeeCount ?? t.Member!.AttendeeCount)))
        {
            var ranges = group.Select(t => t.Range).OrderBy(r => r.Start).ToList();
            errors.Merge(BookingPolicy.CheckSeries(ranges, group.Key.Attendees, group.First().Resources.ToList(), seriesLocation, now));
        }

        // The first occurrence of the series that carries the rule: the continuation starts at the addressed
        // occurrence's place; a rearranged series keeps its first day, at the new times.
        var first = command.OnlyFollowing
            ? clock.On(seriesLocation.LocalDay(KeyOf(addressed)).AddDays(dayShift)) ?? wanted
            : clock.On(seriesLocation.LocalDay(series.FirstStart).AddDays(dayShift)) ?? series.First;
        if (command.OnlyFollowing && command.Recurrence is null && rule.Count is not null)
        {
            var remaining = series.Rule.Expand(series.First, seriesLocation).Occurrences.Count(o => o.Start >= KeyOf(addressed));
            rule = Recurrence.Create(rule.Frequency, rule.Interval, rule.DaysOfWeek, Math.Max(1, remaining)).Rule!;
        }

        return new SeriesPlan(errors, seriesLocation, rule, first, timeChanged || command.Recurrence is not null, template, attendees,
            targets, dropped, placed, leftAlone);
    }

    private sealed record ClashOutcome(List<SeriesTarget> Applied, List<SkippedOccurrence> Skipped, List<SwappedOccurrence> Swapped, SeriesConflict? Conflict);

    /// <summary>
    /// Reads what holds the new times and applies the conflict policy: all-or-nothing refuses the edit with advice per
    /// clashing occurrence, skip leaves those occurrences as they are, alternatives moves them to the best free room.
    /// </summary>
    private async Task<ClashOutcome> ResolveClashesAsync(BookingDbContext db, ChangeSeriesCommand command, SeriesPlan plan, List<Booking> members,
        Dictionary<DateTimeOffset, ChosenOccurrence> chosen, DateTimeOffset now, CancellationToken ct)
    {
        var moving = plan.Targets.Where(t => t.Moves).ToList();
        var candidates = command.Policy == ConflictPolicy.Alternatives && moving.Count > 0
            ? await ConflictAdvisor.CandidatesAsync(db, snapshots, plan.Template, plan.Location, plan.AttendeeCount, [], ct)
            : [];
        var pairs = moving.SelectMany(t => t.Resources.Concat(candidates).Select(r => (r.Id, r.BlockedRangeFor(t.Range)))).ToList();
        var holding = pairs.Count == 0 ? [] : await ConflictAdvisor.HoldingAsync(db, pairs, members.Select(m => m.Id).ToList(), ct);
        var outcome = new ClashOutcome([], [], [], null);
        foreach (var target in plan.Targets)
        {
            var collisions = target.Moves ? ConflictAdvisor.Collisions(target.Resources, target.Range, holding) : [];
            if (target.Moves && chosen.TryGetValue(target.Range.Start, out var choice))
            {
                if (choice.Action == OccurrenceAction.Skip)
                {
                    outcome.Skipped.Add(new SkippedOccurrence(target.Range.Start, target.Range.End, target.Member?.Id, collisions));
                }
                else
                {
                    outcome.Applied.Add(target with { Range = choice.Range, Resources = choice.Resources });
                }

                continue;
            }

            if (collisions.Count == 0)
            {
                outcome.Applied.Add(target);
                continue;
            }

            if (command.Policy == ConflictPolicy.AllOrNothing)
            {
                return outcome with { Conflict = await ExplainSeriesEditAsync(db, plan, members, chosen, now, ct) };
            }

            var swapped = command.Policy == ConflictPolicy.Alternatives
                ? ConflictAdvisor.Swap(target.Resources, collisions.Select(c => c.ResourceId).ToHashSet(), candidates, target.Range, plan.Location,
                    target.AttendeeCount ?? target.Member?.AttendeeCount ?? plan.AttendeeCount, holding, now)
                : null;
            if (swapped is null)
            {
                outcome.Skipped.Add(new SkippedOccurrence(target.Range.Start, target.Range.End, target.Member?.Id, collisions));
                continue;
            }

            outcome.Applied.Add(target with { Resources = swapped });
            if (target.Member is { } member)
            {
                outcome.Swapped.Add(new SwappedOccurrence(member.Id, target.Range.Start, target.Range.End,
                    target.Resources.Select(r => r.Id).Order().ToList(), swapped.Select(r => r.Id).Order().ToList()));
            }
        }

        return outcome;
    }

    /// <summary>Advice on the moving occurrences the person has not decided on yet (all of them when a decided one clashed).</summary>
    private async Task<SeriesConflict> ExplainSeriesEditAsync(BookingDbContext db, SeriesPlan plan, List<Booking> members,
        Dictionary<DateTimeOffset, ChosenOccurrence> chosen, DateTimeOffset now, CancellationToken ct)
    {
        var open = await ExplainMovingAsync(db, plan, members, plan.Targets.Where(t => t.Moves && !chosen.ContainsKey(t.Range.Start)), now, ct);
        return open.Occurrences.Count > 0 || chosen.Count == 0 ? open : await ExplainMovingAsync(db, plan, members, plan.Targets.Where(t => t.Moves), now, ct);
    }

    private async Task<SeriesConflict> ExplainMovingAsync(BookingDbContext db, SeriesPlan plan, List<Booking> members, IEnumerable<SeriesTarget> moving,
        DateTimeOffset now, CancellationToken ct)
    {
        var ranges = moving.Select(t => t.Range).OrderBy(r => r.Start).ToList();
        if (ranges.Count == 0)
        {
            return new SeriesConflict([], new ConflictDetails([], [], [], false));
        }

        // Suggestions shift every moving occurrence by the same amount, as a person would move the whole run.
        return await ConflictAdvisor.ExplainSeriesAsync(db, snapshots, plan.Template, plan.Location, ranges,
            first => ranges.Select(r => r.Shift(first.Start - ranges[0].Start)).ToList(), plan.AttendeeCount, [], now, ct,
            members.Select(m => m.Id).ToList());
    }

    /// <summary>Why a member may not be rewritten, or null when it may.</summary>
    private static string? LeftAloneBecause(Booking member, DateTimeOffset now) => member.Status switch
    {
        not (BookingStatus.Pending or BookingStatus.AwaitingApproval or BookingStatus.Confirmed) =>
            $"is {member.Status.ToString().ToLowerInvariant()}",
        _ when member.End <= now => "has ended",
        _ when member.Start <= now => "has started",
        _ => null,
    };

    /// <summary>Where the rule placed a member (its RECURRENCE-ID), however it has moved since.</summary>
    private static DateTimeOffset KeyOf(Booking member) => member.OccurrenceStart ?? member.Start;

    private static List<Resource> ResourcesOf(Booking booking, List<Resource> known) =>
        known.Where(r => booking.ResourceIds.Contains(r.Id)).ToList();

    /// <summary>A weekly rule's days follow an occurrence dragged to another day.</summary>
    private static Recurrence Shifted(Recurrence rule, int days)
    {
        if (days == 0 || rule.DaysOfWeek.Count == 0)
        {
            return rule;
        }

        var shifted = rule.DaysOfWeek.Select(d => (DayOfWeek)((((int)d + days) % 7 + 7) % 7));
        return Recurrence.Create(rule.Frequency, rule.Interval, shifted, rule.Count, rule.Until).Rule!;
    }

    /// <summary>A range's local start and end times, laid on another day in the location's zone.</summary>
    private sealed record WallClock(TimeOnly Start, TimeOnly End, int EndDayOffset, Location Location)
    {
        public static WallClock Of(TimeRange range, Location location)
        {
            var start = location.ToLocal(range.Start).DateTime;
            var end = location.ToLocal(range.End).DateTime;
            return new WallClock(TimeOnly.FromDateTime(start), TimeOnly.FromDateTime(end),
                DateOnly.FromDateTime(end).DayNumber - DateOnly.FromDateTime(start).DayNumber, location);
        }

        /// <summary>The range on a day, or null where a daylight-saving change swallows it.</summary>
        public TimeRange? On(DateOnly day) =>
            TimeRange.TryCreate(Location.ToUtc(day, Start), Location.ToUtc(day.AddDays(EndDayOffset), End), out var range) ? range : null;
    }
}
