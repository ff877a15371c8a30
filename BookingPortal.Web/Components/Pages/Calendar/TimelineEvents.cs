using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;

namespace BookingPortal.Web.Components.Pages.Calendar;

/// <summary>Empty time picked on the timeline; without a start, the row's "Book" button (no time chosen yet).</summary>
public sealed record TimelineSlot(ResourceView Resource, DateTimeOffset? Start);

/// <summary>A booking dropped on another time and/or resource row.</summary>
public sealed record TimelineMove(CalendarEntry Entry, Guid FromResourceId, ResourceView To, DateTimeOffset Start);
