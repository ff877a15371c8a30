-- Calendar sync webhooks (ADR 020): when a link's subscription is next renewed (half its lifetime, or at once when
-- Graph asks for reauthorization), and why subscribing failed, kept apart so polling carries on and the admin sees it.
ALTER TABLE calendar_links
    ADD COLUMN subscription_renew_at timestamptz,
    ADD COLUMN subscription_error text;
