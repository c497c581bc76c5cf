import type { MovieInput } from "../modules/movies/index.ts";
import type { UserInput } from "../modules/users/index.ts";

// Our own sample data: enough to click through every endpoint on a fresh laptop install.
export const seedUsers: UserInput[] = [
  { username: "ada", email: "ada@cinemaabyss.example" },
  { username: "linus", email: "linus@cinemaabyss.example" },
  { username: "grace", email: "grace@cinemaabyss.example" },
];

export const seedMovies: MovieInput[] = [
  {
    title: "The Long Migration",
    description: "A team moves a city's every road to a new map without closing a single street.",
    genres: ["Drama", "Documentary"],
    rating: 8.1,
  },
  {
    title: "Strangler Fig",
    description: "A young vine slowly wraps an old tree until the tree is no longer needed.",
    genres: ["Nature", "Thriller"],
    rating: 7.4,
  },
  {
    title: "Circuit Breaker",
    description: "When the power grid fails, one engineer decides which lights stay on.",
    genres: ["Action", "Sci-Fi"],
    rating: 6.9,
  },
  {
    title: "Eventual Consistency",
    description: "Two lovers on opposite sides of the world always agree, just never at the same time.",
    genres: ["Romance", "Comedy"],
    rating: 7.8,
  },
];

/** Payments and subscriptions by the index of the seed user they belong to. */
export const seedPayments = [
  { user: 0, amount: 9.99 },
  { user: 1, amount: 14.5 },
  { user: 0, amount: 9.99 },
];

export const seedSubscriptions = [
  { user: 0, plan_type: "premium", start_date: "2026-01-01T00:00:00Z", end_date: "2026-12-31T23:59:59Z" },
  { user: 2, plan_type: "basic", start_date: "2026-06-01T00:00:00Z", end_date: "2026-06-30T23:59:59Z" },
];
