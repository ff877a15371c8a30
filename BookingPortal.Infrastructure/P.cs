namespace BookingPortal.Infrastructure; public sealed class Placeholder {}
