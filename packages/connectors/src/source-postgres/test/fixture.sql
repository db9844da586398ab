-- The contract fixture: one table per shape the connector must carry, a view, and an
-- incremental table whose cursor values repeat.
CREATE TABLE public.customers (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  nickname text,
  balance numeric(38, 9),
  contact jsonb,
  tags text[],
  updated_at timestamptz NOT NULL,
  signed_up_local timestamp,
  avatar bytea,
  birthday date,
  active boolean,
  score double precision
);

INSERT INTO public.customers VALUES
  (1, 'Zoë Ærøskøbing 🦆', NULL, 1234.500000000, '{"email": "zoe@example.com", "phone": {"home": "+45 1234", "mobile": null}}',
   ARRAY['vip', 'nordic'], '2024-01-02 03:04:05.123456+00', '2024-01-02 04:04:05', '\x00ff10', '1990-05-17', true, 0.1),
  (2, 'Иван "Ваня", Петров', 'comma, "quote"
and newline', 12345678901234567890.123456789, '{"email": null, "addresses": [{"type": "home", "city": "Москва"}]}',
   ARRAY['a,b', NULL, ''], '2024-02-29 23:59:59+00', NULL, NULL, NULL, false, -1.5e10),
  (3, '東京', '', -0.000000001, NULL, '{}', '2024-03-01 00:00:00+00', '2024-03-01 00:00:00.5', '', '2000-01-01', NULL, NULL);

CREATE VIEW public.active_customers AS
  SELECT id, name, updated_at FROM public.customers WHERE active;

CREATE TABLE public.orders (
  order_id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  amount numeric(12, 2) NOT NULL,
  created_at timestamptz NOT NULL
);

INSERT INTO public.orders VALUES
  (1, 1, 10.00, '2024-01-01 00:00:00+00'),
  (2, 1, 20.50, '2024-01-02 00:00:00+00'),
  (3, 2, 30.00, '2024-01-03 00:00:00+00'),
  (4, 2, 40.00, '2024-01-03 00:00:00+00'),
  (5, 3, 50.00, '2024-01-03 00:00:00+00'),
  (6, 3, 60.00, '2024-01-04 00:00:00+00');

-- Outside the configured schemas: discover must not list it.
CREATE SCHEMA internal;
CREATE TABLE internal.secrets (id int PRIMARY KEY);

ANALYZE;
