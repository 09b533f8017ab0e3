import ArgumentParser
import DetectorKit
import FindingsStore
import Foundation
import PostgresStore

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
            guard APIRole(rawValue: role) != nil else {
                throw ValidationError("--role must be one of \(APIRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let expiresDays, !(1...3650).contains(expiresDays) { throw ValidationError("--expires-days must be 1 to 3650") }
            do { _ = try APIToken.checkedSite(site, role: APIRole(rawValue: role)!) } catch let e as APITokenError {
                throw ValidationError("--site: \(e.description)")
            }
        }

        func run() async throws {
            let store = try await FindingsStores.openService(db, actor: "cli")
            let expires = expiresDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let (secret, token) = try await store.createToken(role: APIRole(rawValue: role)!, name: name, expiresAt: expires,
                                                              site: site)
            print(secret)
            let until = token.expiresAt.map { "valid until \(ISO8601DateFormatter().string(from: $0))" } ?? "valid until revoked"
            let reach = token.site.map { "site \($0)" } ?? "hospital-wide"
            printError("token #\(token.id) (\(token.role.rawValue), \(reach)) created, \(until); it is not shown again")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never the tokens themselves).")
        @Option(help: "The findings store: a SQLite file or a postgresql:// URL.") var db: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard FindingsStores.mayExist(db) else { throw ValidationError("\(db): no such findings store") }
            let tokens = try await FindingsStores.openService(db, actor: "cli").tokens()
            if json {
                print(String(decoding: try VigilJSON.encode(tokens, pretty: true), as: UTF8.self))
                return
            }
            let f = ISO8601DateFormatter()
            print("id\trole\tsite\tcreated\texpires\trevoked\tname")
            for t in tokens {
                print("\(t.id)\t\(t.role.rawValue)\t\(t.site ?? "*")\t\(f.string(from: t.createdAt))\t\(t.expiresAt.map(f.string(from:)) ?? "-")\t\(t.revokedAt.map(f.string(from:)) ?? "-")\t\(t.name ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id (as `vigil token list` shows it).")
        @Option(help: "The findings store: a SQLite file or a postgresql:// URL.") var db: String
        @Argument(help: "The token's id.") var id: Int64

        func run() async throws {
            guard FindingsStores.mayExist(db) else { throw ValidationError("\(db): no such findings store") }
            let token = try await FindingsStores.openService(db, actor: "cli").revokeToken(id: id)
            printError("token #\(token.id) revoked")
        }
    }
}
