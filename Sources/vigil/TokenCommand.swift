import ArgumentParser
import Foundation
import VigilJobs

/// `vigil token create|list|revoke`: bearer tokens of `vigil serve`. Only a token's SHA-256 is stored; the
/// token itself is printed once, alone on standard output, by `create`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke the service's bearer tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a token; prints it alone on standard output, once (only its SHA-256 is stored).",
            discussion: "Roles: scorer (POST /v1/ecg/score, jobs, STOW-RS), reader (findings, FHIR, explanations, worklist), assistant (explanations, patient-safe fields only), admin (audit log). A token with --site stores its inputs for that site and sees only that site's inputs; without it, a token is hospital-wide.")
        @Option(help: "The findings store: a SQLite file (created if absent) or a postgresql:// URL.") var db: String
        @Option(help: "scorer, reader, assistant or admin.") var role: String
        @Option(help: "What the token is for (a system's name; no person's data).") var name: String?
        @Option(name: .customLong("expires-days"), help: "Days until the token stops being accepted (1 to 3650; default: until revoked).") var expiresDays: Int?
        @Option(help: "Limit the token to one site (e.g. cardiology-north: letters, digits, '.', '-', '_'; not for admin). Default: hospital-wide.") var site: String?

        func validate() throws {
            try ArgumentChecks.job { try TokenJob.validateCreate(role: role, expiresDays: expiresDays, site: site) }
        }

        func run() async throws {
            try await ArgumentChecks.job {
                try await TokenJob.create(db: db, role: role, name: name, expiresDays: expiresDays, site: site)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never the tokens themselves).")
        @Option(help: "The findings store: a SQLite file or a postgresql:// URL.") var db: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await ArgumentChecks.job { try await TokenJob.list(db: db, json: json) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id (as `vigil token list` shows it).")
        @Option(help: "The findings store: a SQLite file or a postgresql:// URL.") var db: String
        @Argument(help: "The token's id.") var id: Int64

        func run() async throws {
            try await ArgumentChecks.job { try await TokenJob.revoke(db: db, id: id) }
        }
    }
}
