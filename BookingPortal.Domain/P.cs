namespace BookingPortal.Domain; public sealed class Placeholder {}
