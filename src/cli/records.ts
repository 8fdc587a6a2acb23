// The records the client commands read from the API, and how each is looked up by name (shared by the
// project, drive and permission commands, so that none of them imports another).

export interface Project {
  id: string;
  name: string;
  description: string;
  active: boolean;
  deleted: boolean;
  createDate: string;
  updateDate: string;
}

export interface Assignment {
  sharedCloudDrive: Drive;
  project: Project;
  projectSharedCloudDrive: { id: string; projectId: string; sharedCloudDriveId: string; createDate: string };
}

export interface Drive {
  id: string;
  name: string;
  cloudAccountId: string | null;
  prefix: string;
  storageName: string;
  objectsPerFolder: number;
  allowDelete: boolean;
  localCacheEncrypted: boolean;
  cloudObjectsEncrypted: boolean;
  driveType: number;
  syncType: number;
  active: boolean;
  createDate: string;
  updateDate: string;
}

export const PROJECT = { noun: 'project', list: '/projects/get_all' };
export const DRIVE = { noun: 'drive', list: '/sharedclouddrive/get_all' };
