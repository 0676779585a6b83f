-- Cancelling a reservation deletes it; this trigger keeps the row as history, as the original design does.
CREATE FUNCTION ticket_keep_cancelled_reservation() RETURNS trigger AS $$
BEGIN
  INSERT INTO ticket_cancelled_reservations
    (id, ticket_type_id, user_id, email, quantity, unit_price, total_price, source, created_at, checked_in_at, checked_in_by, cancelled_at)
  VALUES
    (OLD.id, OLD.ticket_type_id, OLD.user_id, OLD.email, OLD.quantity, OLD.unit_price, OLD.total_price, OLD.source, OLD.created_at, OLD.checked_in_at, OLD.checked_in_by, now());
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ticket_reservations_keep_cancelled
  AFTER DELETE ON ticket_reservations
  FOR EACH ROW EXECUTE FUNCTION ticket_keep_cancelled_reservation();
--> statement-breakpoint
CREATE VIEW ticket_reservation_history AS
  SELECT id, ticket_type_id, user_id, email, quantity, unit_price, total_price, source, created_at,
         checked_in_at, NULL::timestamptz AS cancelled_at, false AS deleted
    FROM ticket_reservations
  UNION ALL
  SELECT id, ticket_type_id, user_id, email, quantity, unit_price, total_price, source, created_at,
         checked_in_at, cancelled_at, true AS deleted
    FROM ticket_cancelled_reservations;
