package app

import accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"

// RoleToProto converts a role to its wire form.
func RoleToProto(r Role) accountsv1.Role {
	switch r {
	case RoleCandidate:
		return accountsv1.Role_ROLE_CANDIDATE
	case RoleRecruiter:
		return accountsv1.Role_ROLE_RECRUITER
	case RoleAdmin:
		return accountsv1.Role_ROLE_ADMIN
	}
	return accountsv1.Role_ROLE_UNSPECIFIED
}

// RoleFromProto converts a wire role; unknown values give "".
func RoleFromProto(r accountsv1.Role) Role {
	switch r {
	case accountsv1.Role_ROLE_CANDIDATE:
		return RoleCandidate
	case accountsv1.Role_ROLE_RECRUITER:
		return RoleRecruiter
	case accountsv1.Role_ROLE_ADMIN:
		return RoleAdmin
	}
	return ""
}

// ConsentKindToProto converts a consent kind to its wire form.
func ConsentKindToProto(k ConsentKind) accountsv1.ConsentKind {
	switch k {
	case ConsentPrivacyPolicy:
		return accountsv1.ConsentKind_CONSENT_KIND_PRIVACY_POLICY
	case ConsentRecruiterVisibility:
		return accountsv1.ConsentKind_CONSENT_KIND_RECRUITER_VISIBILITY
	case ConsentDoNotSellOrShare:
		return accountsv1.ConsentKind_CONSENT_KIND_DO_NOT_SELL_OR_SHARE
	}
	return accountsv1.ConsentKind_CONSENT_KIND_UNSPECIFIED
}

// PrivacyToProto converts the privacy state for the wire and for events,
// given the current policy version.
func PrivacyToProto(p Privacy, currentPolicy string) *accountsv1.PrivacySettings {
	return &accountsv1.PrivacySettings{
		RecruiterVisible:      p.RecruiterVisible,
		DoNotSellOrShare:      p.DoNotSellOrShare,
		AcceptedPolicyVersion: p.AcceptedPolicyVersion,
		PolicyCurrent:         p.PolicyCurrent(currentPolicy),
		ConsentWithdrawn:      p.ConsentWithdrawn,
		SharedWithRecruiters:  p.SharedWithRecruiters(),
	}
}
